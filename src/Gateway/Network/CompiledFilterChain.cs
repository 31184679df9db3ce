using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Gateway.Clusters.Model;
using Gateway.Hosting;

namespace Gateway.Network;

/// <summary>
/// One filter chain ready to serve: its TLS server options (certificate loaded once per config
/// load), and what its terminal filter needs (the HTTP runtime's slot, the tcp_proxy runtime, the
/// direct response bytes).
/// </summary>
internal sealed class CompiledFilterChain
{
    /// <summary>The connection item under which the chosen chain travels to the TLS handshake callback.</summary>
    public static readonly object ItemKey = new();

    public CompiledFilterChain(FilterChainConfig config, string listenerName, TcpProxyRuntime? tcpProxy)
    {
        Config = config;
        TcpProxy = tcpProxy;
        DirectResponse = config.DirectResponse is { } text ? System.Text.Encoding.UTF8.GetBytes(text) : null;
        if (config.Kind == NetworkFilterKind.HttpConnectionManager)
        {
            HttpSlot = new ListenerSlot(HttpKey(listenerName, config.Index), isAdmin: false);
            Http1Limits = Codec.Http1Limits.Of(config.Http!);
        }

        if (config.Tls is { } tls)
        {
            var certificate = X509Certificate2.CreateFromPem(tls.CertificateChainPem, tls.PrivateKeyPem);
            var alpn = tls.AlpnProtocols.Count > 0
                ? tls.AlpnProtocols.Select(p => new SslApplicationProtocol(p)).ToList()
                : config.Kind == NetworkFilterKind.HttpConnectionManager
                    ? config.Http!.CodecType switch
                    {
                        CodecType.Http1 => [SslApplicationProtocol.Http11],
                        CodecType.Http2 => [SslApplicationProtocol.Http2],
                        _ => [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    }
                    : null;
            ServerOptions = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null),
                ApplicationProtocols = alpn,
                ClientCertificateRequired = tls.RequestsClientCertificate,
                RemoteCertificateValidationCallback = tls.RequestsClientCertificate ? ClientCertificateCheck(tls) : null,
            };
        }
    }

    public FilterChainConfig Config { get; }

    private static RemoteCertificateValidationCallback ClientCertificateCheck(DownstreamTlsConfig tls)
    {
        var check = Clusters.Tls.PeerCertificateValidator.ForClients(tls);
        return (_, certificate, chain, _) => check(certificate, chain);
    }

    public NetworkFilterKind Kind => Config.Kind;

    /// <summary>The TLS the chain terminates, or null for cleartext (and for TLS passed through by tcp_proxy).</summary>
    public SslServerAuthenticationOptions? ServerOptions { get; }

    /// <summary>For an HCM chain: the slot whose name finds its <see cref="Proxy.ListenerRuntime"/> in the snapshot.</summary>
    public ListenerSlot? HttpSlot { get; }

    /// <summary>For an HCM chain: its HTTP/1 codec rules (the chain's own HCM settings).</summary>
    public Codec.Http1Limits? Http1Limits { get; }

    public TcpProxyRuntime? TcpProxy { get; }

    public byte[]? DirectResponse { get; }

    /// <summary>The snapshot key of the HTTP runtime of chain <paramref name="index"/> of a network listener.</summary>
    public static string HttpKey(string listenerName, int index) =>
        index < 0 ? listenerName + "#default_filter_chain" : listenerName + "#filter_chains[" + index + "]";
}
