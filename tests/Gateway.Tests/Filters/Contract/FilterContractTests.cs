using System.Net;
using System.Text;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Contract;

/// <summary>
/// The HTTP filter contract over real sockets, with probe filters that mark each phase: decode order,
/// reverse encode order, local replies encoded back through the filters already passed, buffered and
/// streamed bodies both ways, the buffer limit, per-route config, disabled filters, dynamic metadata.
/// </summary>
public sealed class FilterContractTests : IAsyncLifetime
{
    private DemoUpstreamHandle _upstream = null!;

    public async Task InitializeAsync() => _upstream = await DemoUpstreamServer.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static string Probe(string name, string extra = "") =>
        $"""
        - name: {name}
          typed_config:
            "@type": type.googleapis.com/test.Probe
            tag: {name}
        {EnvoyYaml.Indent(extra, 4)}
        """;

    private Task<TestGateway> StartAsync(string filters, string routes = "", string hcmExtra = "", string vhostExtra = "")
    {
        routes = routes.Length > 0 ? routes : """
            - match: { prefix: "/" }
              route: { cluster: demo }
            """;
        var yaml = EnvoyYaml.WithRoutes(routes, EnvoyYaml.StaticCluster("demo", _upstream.Port), hcmExtra: hcmExtra, vhostExtra: vhostExtra, httpFilters: filters);
        return TestGateway.StartAsync(yaml, o => o with { AdditionalFilterFactories = [new ProbeFilterFactory()] });
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Decoders_run_in_config_order_and_encoders_in_reverse()
    {
        await using var gw = await StartAsync(Probe("a") + Probe("b") + Probe("c"));

        using var response = await gw.Client.GetAsync("/get");
        var echo = await UpstreamEcho.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a,b,c", echo.Header("x-decode")?.Replace(" ", ""));
        Assert.Equal("c,b,a", Header(response, "x-encode"));
    }

    [Fact]
    public async Task A_local_reply_goes_back_through_the_encoders_already_passed_only()
    {
        await using var gw = await StartAsync(Probe("a") + Probe("b", "reply_status: 418") + Probe("c"));
        var before = _upstream.RequestCount;

        using var response = await gw.Client.GetAsync("/get");

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("probe b", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("b,a", Header(response, "x-encode"));
        Assert.Equal("envoy", Header(response, "server"));
        Assert.Equal(before, _upstream.RequestCount);
    }

    [Fact]
    public async Task The_routers_own_replies_pass_every_encoder()
    {
        await using var gw = await StartAsync(Probe("a") + Probe("b"), routes: """
            - match: { prefix: "/known" }
              route: { cluster: demo }
            """);

        using var response = await gw.Client.GetAsync("/unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("b,a", Header(response, "x-encode"));
    }

    [Fact]
    public async Task A_response_headers_hook_can_replace_the_upstream_response()
    {
        await using var gw = await StartAsync(Probe("a") + Probe("b", "reply_on_response: 503"));

        using var response = await gw.Client.GetAsync("/get");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("probe response b", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Buffering_filters_get_the_whole_request_body_and_the_upstream_gets_the_changed_one()
    {
        await using var gw = await StartAsync(Probe("a", "buffer_request: true") + Probe("b", "buffer_request: true"));

        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("hello")));
        using var response = await gw.Client.PostAsync("/echo/post", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello|a|b", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_request_body_over_the_buffer_limit_is_answered_413()
    {
        await using var gw = await StartAsync(Probe("a", "buffer_request: true"));
        var before = _upstream.RequestCount;

        using var response = await gw.Client.PostAsync("/echo/post", new ByteArrayContent(new byte[(1024 * 1024) + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Payload Too Large", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, _upstream.RequestCount);
    }

    [Fact]
    public async Task Streaming_filters_see_every_chunk_of_a_large_body_both_ways()
    {
        await using var gw = await StartAsync(Probe("a", "stream_request: true"));
        var body = new string('x', 3 * 1024 * 1024);

        using var response = await gw.Client.PostAsync("/echo/post", new StringContent(body));
        var echoed = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, echoed.Length);
        Assert.True(echoed.All(c => c == 'X'), "the upstream got the body the filter changed");

        await using var gw2 = await StartAsync(Probe("b", "stream_response: true"));
        using var response2 = await gw2.Client.PostAsync("/echo/post", new StringContent(body));
        var echoed2 = await response2.Content.ReadAsStringAsync();
        Assert.Equal(body.Length, echoed2.Length);
        Assert.True(echoed2.All(c => c == 'X'), "the client got the body the filter changed");
    }

    [Fact]
    public async Task A_buffering_response_filter_holds_the_headers_and_the_length_follows_its_change()
    {
        await using var gw = await StartAsync(Probe("a") + Probe("b", "buffer_response: true"));

        using var response = await gw.Client.PostAsync("/echo/post", new StringContent("hello"));

        Assert.Equal("hello|b", await response.Content.ReadAsStringAsync());
        Assert.Equal(7, response.Content.Headers.ContentLength);
        // a's response-headers hook ran after b had the whole body.
        Assert.Equal("b,a", Header(response, "x-encode"));
    }

    [Fact]
    public async Task Per_route_config_overrides_disables_and_enables_filters()
    {
        var filters = Probe("a") + Probe("b") + Probe("c", "") + """
            - name: d
              disabled: true
              typed_config:
                "@type": type.googleapis.com/test.Probe
                tag: d
            """;
        var routes = """
            - match: { prefix: "/get" }
              route: { cluster: demo }
              typed_per_filter_config:
                b:
                  "@type": type.googleapis.com/test.ProbePerRoute
                  tag: route-b
                c:
                  "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                  disabled: true
                d:
                  "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                  config:
                    "@type": type.googleapis.com/test.ProbePerRoute
                    tag: route-d
            - match: { prefix: "/" }
              route: { cluster: demo }
            """;
        var vhostExtra = """
            typed_per_filter_config:
              a:
                "@type": type.googleapis.com/test.ProbePerRoute
                tag: vhost-a
              b:
                "@type": type.googleapis.com/test.ProbePerRoute
                tag: vhost-b
            """;
        await using var gw = await StartAsync(filters, routes, vhostExtra: vhostExtra);

        using var onRoute = await gw.Client.GetAsync("/get");
        Assert.Equal("vhost-a,route-b,route-d", (await UpstreamEcho.ReadAsync(onRoute)).Header("x-decode")?.Replace(" ", ""));

        using var elsewhere = await gw.Client.GetAsync("/anything");
        Assert.Equal("vhost-a,vhost-b,c", (await UpstreamEcho.ReadAsync(elsewhere)).Header("x-decode")?.Replace(" ", ""));
    }

    [Fact]
    public async Task Dynamic_metadata_and_filter_state_reach_the_access_log()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var hcm = $$"""
            access_log:
            - name: envoy.access_loggers.file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: {{log}}
                log_format:
                  text_format_source:
                    inline_string: "md=%DYNAMIC_METADATA(test.probe:tag)% fs=%FILTER_STATE(test.probe.tag:PLAIN)% missing=%DYNAMIC_METADATA(test.probe:nope)% flags=%RESPONSE_FLAGS%\n"
            """;
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: demo }
            """, EnvoyYaml.StaticCluster("demo", _upstream.Port), hcmExtra: hcm, httpFilters: Probe("a", "metadata: true\nreply_status: 401"));
        await using var gw = await TestGateway.StartAsync(yaml, o => o with { AdditionalFilterFactories = [new ProbeFilterFactory()] }, directory);
        using var response = await gw.Client.GetAsync("/get");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("md=a fs=a missing=- flags=UAEX", (await TestGateway.WaitForLinesAsync(log, 1)).Single());
    }
}
