using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Network;

/// <summary>What the listener reader accepts and refuses, by name and path.</summary>
public sealed class NetworkConfigTests
{
    private static BootstrapLoadResult Load(string yaml) =>
        BootstrapLoader.Load(yaml, "test.yaml", new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));

    private static string Refusal(string yaml) =>
        string.Join("\n", Assert.Throws<ConfigException>(() => Load(yaml)).Diagnostics.Select(d => d.ToString()));

    private static string Chain(string tcpExtra) => NetworkYaml.Listener(
        $"""
        filter_chains:
        - filters:
        {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo", "tcp", tcpExtra), 2)}
        """,
        EnvoyYaml.StaticCluster("echo", 9));

    [Fact]
    public void Tcp_proxy_loads_as_a_network_listener_with_its_settings()
    {
        var listener = Assert.Single(Load(Chain("idle_timeout: 10s\nmax_connect_attempts: 2")).Config.Listeners);
        Assert.True(listener.IsNetwork);
        Assert.Null(listener.Http);
        var tcp = Assert.Single(listener.FilterChains).TcpProxy!;
        Assert.Equal(("echo", TimeSpan.FromSeconds(10), 2), (tcp.Cluster, tcp.IdleTimeout!.Value, tcp.MaxConnectAttempts));
    }

    [Fact]
    public void Hash_policy_is_refused_by_name()
    {
        var text = Refusal(Chain("hash_policy: [ { source_ip: {} } ]"));
        Assert.Contains("hash_policy", text);
        Assert.Contains("filter_chains[0].filters[0].typed_config.hash_policy", text);
    }

    [Fact]
    public void Udp_proxy_and_unknown_network_filters_are_refused_by_name()
    {
        var yaml = NetworkYaml.Listener(
            """
            filter_chains:
            - filters:
              - name: envoy.filters.udp_listener.udp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig
                  stat_prefix: udp
            """,
            "[]");
        Assert.Contains("udp_proxy", Refusal(yaml));
    }

    [Fact]
    public void Connect_upgrades_are_refused_by_name()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { connect_matcher: {} }
              route: { cluster: echo }
            """, EnvoyYaml.StaticCluster("echo", 9), hcmExtra: "upgrade_configs: [ { upgrade_type: CONNECT } ]");
        var text = Refusal(yaml);
        Assert.Contains("upgrade_type CONNECT", text);
        Assert.Contains("connect_matcher", text);
    }

    [Fact]
    public void Two_chains_with_the_same_match_are_an_error_as_in_envoy()
    {
        var yaml = NetworkYaml.Listener(
            $"""
            filter_chains:
            - filter_chain_match: {"{"} server_names: [a.test] {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            - filter_chain_match: {"{"} server_names: [a.test] {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            """,
            EnvoyYaml.StaticCluster("echo", 9));
        Assert.Contains("multiple filter chains with the same matching rules", Refusal(yaml));
    }

    [Fact]
    public void Server_names_without_tls_inspector_get_it_injected()
    {
        var yaml = NetworkYaml.Listener(
            $"""
            filter_chains:
            - filter_chain_match: {"{"} server_names: [a.test] {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            - filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            """,
            EnvoyYaml.StaticCluster("echo", 9));
        var listener = Assert.Single(Load(yaml).Config.Listeners);
        Assert.Contains(listener.ListenerFilters, f => f.Kind == Gateway.Clusters.Model.ListenerFilterKind.TlsInspector);
    }
}
