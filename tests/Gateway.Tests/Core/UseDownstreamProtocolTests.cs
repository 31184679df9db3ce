using System.Net;
using System.Net.Http;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Core;

/// <summary>
/// A cluster that follows the downstream protocol (protocol_selection USE_DOWNSTREAM_PROTOCOL, or
/// use_downstream_protocol_config): an HTTP/2 request goes upstream as HTTP/2, an HTTP/1.1 one as HTTP/1.1.
/// </summary>
public sealed class UseDownstreamProtocolTests
{
    private static string Yaml(int port, string clusterExtra) => EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          route: { cluster: up }
        """, EnvoyYaml.StaticCluster("up", port, clusterExtra));

    public static TheoryData<string> Configs => new()
    {
        "protocol_selection: USE_DOWNSTREAM_PROTOCOL\nhttp2_protocol_options: {}",
        """
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
            "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
            use_downstream_protocol_config: { http2_protocol_options: {} }
        """,
    };

    private static Task<TinyUpstream> ProtocolEchoAsync(bool http2Only) =>
        TinyUpstream.StartAsync(context => context.Response.WriteAsync(context.Request.Protocol), http2Only);

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task An_http2_request_goes_upstream_as_http2(string clusterExtra)
    {
        await using var upstream = await ProtocolEchoAsync(http2Only: true);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, clusterExtra));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gateway.Port}/")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task An_http1_request_goes_upstream_as_http1(string clusterExtra)
    {
        await using var upstream = await ProtocolEchoAsync(http2Only: false);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, clusterExtra));
        Assert.Equal("HTTP/1.1", await gateway.Client.GetStringAsync("/"));
    }
}
