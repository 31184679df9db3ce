using Gateway.Tests.Support;

namespace Gateway.Tests.Network;

/// <summary>envoy.yaml pieces for network listener tests (listener on 127.0.0.1:0, admin on 127.0.0.1:0).</summary>
internal static class NetworkYaml
{
    /// <summary>A bootstrap with one listener made of <paramref name="listenerBody"/> (listener_filters, filter_chains, ...).</summary>
    public static string Listener(string listenerBody, string clusters) => $$"""
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: 0 }
        static_resources:
          listeners:
          - name: tcp
            address:
              socket_address: { address: 127.0.0.1, port_value: 0 }
        {{EnvoyYaml.Indent(listenerBody, 4)}}  clusters:
        {{EnvoyYaml.Indent(clusters, 4)}}
        """;

    /// <summary>A filters list item: tcp_proxy to <paramref name="cluster"/>.</summary>
    public static string TcpProxy(string cluster, string statPrefix = "tcp", string extra = "") => $"""
        - name: envoy.filters.network.tcp_proxy
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
            stat_prefix: {statPrefix}
            cluster: {cluster}
        {EnvoyYaml.Indent(extra, 4)}
        """;

    public const string TlsInspector = """
        - name: envoy.filters.listener.tls_inspector
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
        """;

    public const string ProxyProtocol = """
        - name: envoy.filters.listener.proxy_protocol
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol
        """;
}
