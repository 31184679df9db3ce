using System.Net;
using Gateway.Clusters.Model;
using Gateway.Network;

namespace Gateway.Tests.Network;

/// <summary>Envoy's filter chain match order and its no-fallback rule, on the selector alone.</summary>
public sealed class FilterChainSelectorTests
{
    private static readonly FilterChainMatchConfig Any = FilterChainMatchConfig.Any;

    private static CompiledFilterChain Chain(string name, FilterChainMatchConfig match) =>
        new(new FilterChainConfig(name, 0, match, null, NetworkFilterKind.Echo, null, null, null, name), "l", null);

    private static string? Pick(FilterChainMatchConfig[] matches, string local = "10.0.0.1:443", string remote = "192.168.1.5:5000",
        string? sni = null, string transport = "raw_buffer", params string[] alpn)
    {
        var chains = matches.Select((m, i) => Chain("c" + i, m)).ToArray();
        var info = new DownstreamConnectionInfo(IPEndPoint.Parse(local), IPEndPoint.Parse(remote))
        {
            ServerName = sni,
            TransportProtocol = transport,
            ApplicationProtocols = alpn,
        };
        return new FilterChainSelector(chains).Select(info)?.Config.Name;
    }

    [Fact]
    public void Destination_port_is_decided_first_and_there_is_no_fallback_to_the_any_port_chain()
    {
        FilterChainMatchConfig[] m =
        [
            Any with { DestinationPort = 443, ServerNames = ["a.test"] },
            Any with { ServerNames = ["b.test"] },
        ];
        Assert.Equal("c0", Pick(m, sni: "a.test", transport: "tls"));
        // Port 443 has a chain, so b.test (only on the any-port chain) finds nothing: Envoy does not go back.
        Assert.Null(Pick(m, sni: "b.test", transport: "tls"));
        Assert.Equal("c1", Pick(m, local: "10.0.0.1:8443", sni: "b.test", transport: "tls"));
    }

    [Fact]
    public void The_longest_destination_prefix_wins()
    {
        FilterChainMatchConfig[] m =
        [
            Any with { PrefixRanges = [new(IPAddress.Parse("10.0.0.0"), 8)] },
            Any with { PrefixRanges = [new(IPAddress.Parse("10.0.0.0"), 24)] },
            Any,
        ];
        Assert.Equal("c1", Pick(m, local: "10.0.0.9:80"));
        Assert.Equal("c0", Pick(m, local: "10.9.0.9:80"));
        Assert.Equal("c2", Pick(m, local: "172.16.0.1:80"));
    }

    [Fact]
    public void Exact_server_name_beats_the_longest_wildcard_which_beats_a_shorter_one()
    {
        FilterChainMatchConfig[] m =
        [
            Any with { ServerNames = ["*.example.com"] },
            Any with { ServerNames = ["*.api.example.com"] },
            Any with { ServerNames = ["www.api.example.com"] },
            Any,
        ];
        Assert.Equal("c2", Pick(m, sni: "www.api.example.com"));
        Assert.Equal("c1", Pick(m, sni: "v2.api.example.com"));
        Assert.Equal("c0", Pick(m, sni: "shop.example.com"));
        Assert.Equal("c3", Pick(m, sni: "example.com"));
        Assert.Equal("c3", Pick(m));
    }

    [Fact]
    public void Transport_then_alpn_in_the_clients_order_then_source_type_prefix_and_port()
    {
        FilterChainMatchConfig[] byTransport = [Any with { TransportProtocol = "tls" }, Any with { TransportProtocol = "raw_buffer" }];
        Assert.Equal("c0", Pick(byTransport, transport: "tls"));
        Assert.Equal("c1", Pick(byTransport));

        FilterChainMatchConfig[] byAlpn = [Any with { ApplicationProtocols = ["http/1.1"] }, Any with { ApplicationProtocols = ["h2"] }];
        Assert.Equal("c1", Pick(byAlpn, transport: "tls", alpn: ["h2", "http/1.1"]));
        Assert.Equal("c0", Pick(byAlpn, transport: "tls", alpn: ["http/1.1", "h2"]));
        Assert.Null(Pick(byAlpn, transport: "tls", alpn: ["spdy/3"]));

        FilterChainMatchConfig[] bySource =
        [
            Any with { SourceType = ConnectionSourceType.SameIpOrLoopback },
            Any with { SourcePrefixRanges = [new(IPAddress.Parse("192.168.1.0"), 24)], SourcePorts = [5000] },
            Any with { SourcePrefixRanges = [new(IPAddress.Parse("192.168.1.0"), 24)] },
            Any,
        ];
        Assert.Equal("c0", Pick(bySource, remote: "127.0.0.1:5000"));
        Assert.Equal("c1", Pick(bySource, remote: "192.168.1.5:5000"));
        Assert.Equal("c2", Pick(bySource, remote: "192.168.1.5:6000"));
        Assert.Equal("c3", Pick(bySource, remote: "8.8.8.8:6000"));
    }
}
