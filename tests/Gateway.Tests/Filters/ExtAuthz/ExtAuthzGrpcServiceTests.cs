using System.Net;
using Gateway.Filters.Grpc.Envoy.Auth;
using Gateway.Filters.Grpc.Envoy.Core;
using Gateway.Tests.Support;
using Google.Protobuf.WellKnownTypes;

namespace Gateway.Tests.Filters.ExtAuthz;

/// <summary>ext_authz with grpc_service over real sockets: a Grpc.AspNetCore authorization server on an envoy_grpc cluster.</summary>
public sealed class ExtAuthzGrpcServiceTests : GrpcServiceFilterTests
{
    private readonly TestAuthorizationService _service = new();

    protected override Task<GrpcPeer> StartPeerAsync() => GrpcPeer.StartAsync(_service);

    // 10 s unless a test is about the deadline: the suite's first gRPC call JITs the client stack and once
    // took over 0.5 s under CI load (the check failed, 403, where the test expected the service's answer).
    private string Yaml(string filterExtra = "", int? peerPort = null, string routes = "", string timeout = "10s") => EnvoyYaml.WithRoutes(
        (routes.Length == 0 ? "" : routes + "\n") + """
        - match: { prefix: "/" }
          route: { cluster: upstream }
        """,
        EnvoyYaml.StaticCluster("upstream", Upstream.Port) +
        EnvoyYaml.StaticCluster("authz", peerPort ?? Peer.Port, """
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config:
                  http2_protocol_options: {}
            """),
        httpFilters: $$"""
        - name: envoy.filters.http.ext_authz
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
            transport_api_version: V3
            grpc_service:
              envoy_grpc: { cluster_name: authz }
              timeout: {{timeout}}
        {{EnvoyYaml.Indent(filterExtra, 4)}}
        """);

    private static CheckResponse Allow(params (string Key, string Value, bool Append)[] headers)
    {
        var ok = new OkHttpResponse();
        foreach (var (key, value, append) in headers)
        {
            ok.Headers.Add(new HeaderValueOption { Header = new HeaderValue { Key = key, Value = value }, Append = append });
        }

        ok.HeadersToRemove.Add("x-drop-me");
        return new CheckResponse { Status = new() { Code = 0 }, OkResponse = ok };
    }

    [Fact]
    public async Task Allowed_check_applies_header_changes_and_dynamic_metadata_and_sees_the_request_attributes()
    {
        _service.Decide = _ =>
        {
            var response = Allow(("x-user", "bob", false), ("x-multi", "b", true));
            response.DynamicMetadata = new Struct { Fields = { ["user"] = Value.ForString("bob") } };
            return Task.FromResult(response);
        };
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items?q=1");
        request.Headers.Add("x-multi", "a");
        request.Headers.Add("x-drop-me", "1");
        request.Headers.Add("x-request-id", "rid-1");
        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadAsStringAsync();
        Assert.Equal("bob", HeaderEcho.Header(echo, "x-user"));
        Assert.Contains("b", HeaderEcho.Header(echo, "x-multi"));
        Assert.Contains("a", HeaderEcho.Header(echo, "x-multi"));
        Assert.Null(HeaderEcho.Header(echo, "x-drop-me"));

        Assert.True(_service.Requests.TryDequeue(out var check));
        var http = check.Attributes.Request.Http;
        Assert.Equal("GET", http.Method);
        Assert.Equal("/items?q=1", http.Path);
        Assert.Equal("rid-1", http.Id);
        Assert.Equal("1", http.Headers["x-drop-me"]);
        Assert.Equal(http.Host, http.Headers[":authority"]);
        Assert.Equal("127.0.0.1", check.Attributes.Source.Address.SocketAddress.Address);
        Assert.Equal((uint)gw.Port, check.Attributes.Destination.Address.SocketAddress.PortValue);

        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.ok"]);
        Assert.Equal(1, stats["cluster.authz.upstream_rq_total"]);
    }

    [Fact]
    public async Task Denied_check_answers_with_the_denied_response()
    {
        _service.Decide = _ => Task.FromResult(new CheckResponse
        {
            Status = new() { Code = 7 },
            DeniedResponse = new DeniedHttpResponse
            {
                Status = new Gateway.Filters.Grpc.Envoy.Type.HttpStatus { Code = (Gateway.Filters.Grpc.Envoy.Type.StatusCode)418 },
                Body = "teapot says no",
                Headers = { new HeaderValueOption { Header = new HeaderValue { Key = "x-deny-reason", Value = "policy" } } },
            },
        });
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("teapot says no", await response.Content.ReadAsStringAsync());
        Assert.Equal("policy", response.Headers.GetValues("x-deny-reason").Single());
        Assert.Equal(0, UpstreamCalls);
        Assert.Equal(1, (await gw.StatsAsync())["cluster.upstream.ext_authz.denied"]);
    }

    [Fact]
    public async Task Denied_status_without_a_denied_response_is_403()
    {
        _service.Decide = _ => Task.FromResult(new CheckResponse { Status = new() { Code = 16 } });
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Server_error_status_is_an_error_and_failure_mode_allow_lets_it_through()
    {
        _service.Decide = _ => throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Internal, "boom"));
        await using var gw = await TestGateway.StartAsync(Yaml("failure_mode_allow: true"));
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.error"]);
        Assert.Equal(1, stats["cluster.upstream.ext_authz.failure_mode_allowed"]);
    }

    [Fact]
    public async Task Peer_down_is_403()
    {
        await using var gw = await TestGateway.StartAsync(Yaml(peerPort: ClosedPort.Get()));
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, UpstreamCalls);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.error"]);
        Assert.Equal(0, stats["cluster.authz.upstream_rq_active"]);
    }

    [Fact]
    public async Task Slow_peer_hits_the_deadline_and_answers_status_on_error()
    {
        using var release = new CancellationTokenSource();
        _service.Decide = async _ =>
        {
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { });
            return Allow();
        };
        await using var gw = await TestGateway.StartAsync(Yaml("status_on_error: { code: 504 }", timeout: "0.5s"));
        using var response = await gw.Client.GetAsync("/x");
        release.Cancel();
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(1, (await gw.StatsAsync())["cluster.authz.upstream_rq_timeout"]);
    }

    [Fact]
    public async Task Per_route_check_settings_send_context_extensions_and_disabled_skips()
    {
        var routes = """
            - match: { prefix: "/open" }
              route: { cluster: upstream }
              typed_per_filter_config:
                envoy.filters.http.ext_authz:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                  disabled: true
            - match: { prefix: "/tagged" }
              route: { cluster: upstream }
              typed_per_filter_config:
                envoy.filters.http.ext_authz:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                  check_settings:
                    context_extensions: { virtual_host: local, team: blue }
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(routes: routes));
        using var open = await gw.Client.GetAsync("/open");
        Assert.Empty(_service.Requests);
        using var tagged = await gw.Client.GetAsync("/tagged");
        Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        Assert.True(_service.Requests.TryDequeue(out var check));
        Assert.Equal("blue", check.Attributes.ContextExtensions["team"]);
    }

    [Fact]
    public async Task With_request_body_sends_the_body_in_the_check()
    {
        await using var gw = await TestGateway.StartAsync(Yaml("with_request_body: { max_request_bytes: 1024 }"));
        using var response = await gw.Client.PostAsync("/p", new StringContent("hello body"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(_service.Requests.TryDequeue(out var check));
        Assert.Equal("hello body", check.Attributes.Request.Http.Body);
        Assert.Contains("body: hello body", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Google_grpc_target_uri_is_dialled_directly()
    {
        _service.Decide = _ => Task.FromResult(new CheckResponse { Status = new() { Code = 7 } });
        var yaml = Yaml().Replace("envoy_grpc: { cluster_name: authz }", $"google_grpc: {{ target_uri: 127.0.0.1:{Peer.Port}, stat_prefix: ext_authz }}", StringComparison.Ordinal);
        await using var gw = await TestGateway.StartAsync(yaml);
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(_service.Requests);
    }

    [Fact]
    public async Task Peer_answering_garbage_or_plain_http1_is_an_error()
    {
        await using var garbage = new GarbagePeer();
        await using (var gw = await TestGateway.StartAsync(Yaml(peerPort: garbage.Port)))
        {
            using var response = await gw.Client.GetAsync("/x");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // The upstream speaks HTTP/1.1 only: the h2c call fails.
        await using (var gw = await TestGateway.StartAsync(Yaml("failure_mode_allow: true", Upstream.Port)))
        {
            using var response = await gw.Client.GetAsync("/x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, (await gw.StatsAsync())["cluster.upstream.ext_authz.failure_mode_allowed"]);
        }
    }
}
