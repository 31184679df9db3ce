using Gateway.Testing;

namespace GatewayTestingSample;

/// <summary>What a test suite does with EnvoyGateway.Testing: start the gateway from a config, call it, read stats and logs.</summary>
public sealed class GatewayTests
{
    private const string Config = """
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: 9901 }
        static_resources:
          listeners:
          - name: listener_0
            address:
              socket_address: { address: 127.0.0.1, port_value: 10000 }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        direct_response: { status: 200, body: { inline_string: "hello from the sample" } }
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """;

    [Fact]
    public async Task The_gateway_answers_on_a_port_picked_for_the_test_and_counts_the_request()
    {
        await using var envoy = await EnvoyGateway.StartAsync(Config);
        using var client = new HttpClient { BaseAddress = envoy.ListenerUri("listener_0") };

        Assert.NotEqual(10000, envoy.ListenerUri("listener_0").Port);
        Assert.Equal("hello from the sample", await client.GetStringAsync("/"));
        var stats = await envoy.GetStatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_2xx"]);
        Assert.Contains(envoy.LogLines, l => l.Contains("][info][main] all clusters initialized", StringComparison.Ordinal));
        using var admin = new HttpClient { BaseAddress = envoy.AdminUri };
        Assert.Equal("LIVE\n", await admin.GetStringAsync("/ready"));
    }
}
