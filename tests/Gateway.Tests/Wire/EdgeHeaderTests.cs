using Gateway.Proxy;
using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>
/// mutateRequestHeaders as Envoy: external requests lose the client's x-envoy-* control headers, the
/// edge appends to x-forwarded-for (its own address for a loopback peer), sets x-envoy-external-address
/// and a new request id; internal_address_config makes a peer internal.
/// </summary>
public class EdgeHeaderTests
{
    private static string Yaml(int upstreamPort, string hcmExtra = "") => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: echo }
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort),
        hcmExtra: hcmExtra);

    private const string ControlHeaders =
        "x-envoy-max-retries: 3\r\nx-envoy-retry-on: 5xx\r\nx-envoy-upstream-rq-timeout-ms: 10000\r\nx-envoy-internal: true\r\nx-request-id: client-id\r\n";

    [Fact]
    public async Task ExternalRequestsLoseControlHeadersButKeepTheirRequestIdWithoutUseRemoteAddress()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n" + ControlHeaders + "x-envoy-custom: kept\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-max-retries"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-retry-on"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-upstream-rq-timeout-ms"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-internal"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-external-address"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-forwarded-for"));
        Assert.Equal("kept", EchoUpstream.SeenHeader(response, "x-envoy-custom"));
        Assert.Equal("client-id", EchoUpstream.SeenHeader(response, "x-request-id"));
    }

    [Fact]
    public async Task TheEdgeAppendsItsAddressSetsTheExternalAddressAndANewRequestId()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "use_remote_address: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\nx-forwarded-for: 10.1.2.3\r\n" + ControlHeaders + "\r\n");
        Assert.True(response.Status == 200, response.ToString());
        // The peer is loopback: Envoy appends its own local address instead.
        Assert.Equal("10.1.2.3," + EdgeRules.GatewayLocalAddress, EchoUpstream.SeenHeader(response, "x-forwarded-for"));
        Assert.Equal("127.0.0.1", EchoUpstream.SeenHeader(response, "x-envoy-external-address"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-max-retries"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-internal"));
        var id = EchoUpstream.SeenHeader(response, "x-request-id");
        Assert.NotEqual("client-id", id);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id ?? "");
    }

    [Fact]
    public async Task PreserveExternalRequestIdKeepsTheClientsId()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "use_remote_address: true\npreserve_external_request_id: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\nx-request-id: client-id\r\n\r\n");
        Assert.Equal("client-id", EchoUpstream.SeenHeader(response, "x-request-id"));
    }

    [Fact]
    public async Task InternalAddressesKeepControlHeadersAndAreMarkedInternal()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            """
            use_remote_address: true
            internal_address_config:
              cidr_ranges:
              - { address_prefix: 127.0.0.0, prefix_len: 8 }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n" + ControlHeaders + "\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("true", EchoUpstream.SeenHeader(response, "x-envoy-internal"));
        // Kept by the edge rules, then consumed by the router as Envoy's (the timeout header sets the expected timeout).
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-max-retries"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-upstream-rq-timeout-ms"));
        Assert.Equal("10000", EchoUpstream.SeenHeader(response, "x-envoy-expected-rq-timeout-ms"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-external-address"));
        Assert.Equal("client-id", EchoUpstream.SeenHeader(response, "x-request-id"));
    }

    [Fact]
    public async Task WithoutUseRemoteAddressTheAccessLogNamesTheClientFromXff()
    {
        var directory = TestGateway.NewDirectory();
        var path = Path.Combine(directory, "access.log");
        await using var upstream = await EchoUpstream.StartAsync();
        var log =
            "access_log:\n" +
            "- name: envoy.access_loggers.file\n" +
            "  typed_config:\n" +
            "    \"@type\": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\n" +
            $"    path: {path}\n" +
            "    log_format: { text_format_source: { inline_string: \"%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%\\n\" } }\n" +
            "xff_num_trusted_hops: 1\n";
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log), directory: directory);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\nx-forwarded-for: 1.2.3.4, 5.6.7.8\r\n\r\n");
        Assert.Equal(200, response.Status);
        var lines = await TestGateway.WaitForLinesAsync(path, 1);
        Assert.Equal("1.2.3.4:0 1.2.3.4", Assert.Single(lines));
    }

    [Fact]
    public async Task SkipXffAppendLeavesXForwardedForAsSentAtTheEdge()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "use_remote_address: true\nskip_xff_append: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\nx-forwarded-for: 10.1.2.3\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("10.1.2.3", EchoUpstream.SeenHeader(response, "x-forwarded-for"));
        // The peer is still the client address: the edge rules (x-envoy-external-address) use it.
        Assert.Equal("127.0.0.1", EchoUpstream.SeenHeader(response, "x-envoy-external-address"));
    }

    [Fact]
    public async Task ViaIsAppendedToTheRequestAndToEveryResponse()
    {
        await using var upstream = await TinyUpstream.StartAsync(context =>
        {
            context.Response.Headers["via"] = "1.1 upstream";
            context.Response.Headers["x-seen-via"] = context.Request.Headers["via"].ToString();
            return Task.CompletedTask;
        });
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/local" }
              direct_response: { status: 200 }
            - match: { prefix: "/" }
              route: { cluster: echo }
            """, EnvoyYaml.StaticCluster("echo", upstream.Port), "via: gw-1"));
        var proxied = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\nvia: 1.0 client\r\n\r\n");
        Assert.True(proxied.Status == 200, proxied.ToString());
        Assert.Equal("1.0 client, gw-1", proxied.Header("x-seen-via"));
        Assert.Equal("1.1 upstream, gw-1", proxied.Header("via"));
        var local = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /local HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("gw-1", local.Header("via"));
    }
}
