namespace Gateway.Clusters.Model;

/// <summary>One Envoy listener: an address, the HTTP connection manager behind it, optional TLS.</summary>
public sealed record ListenerConfig(
    string Name,
    SocketAddressConfig Address,
    HttpConnectionManagerConfig Http,
    DownstreamTlsConfig? Tls,
    string YamlPath);
