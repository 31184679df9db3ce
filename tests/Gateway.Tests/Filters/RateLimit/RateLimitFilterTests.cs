using System.Net;
using Gateway.Filters.Grpc.Envoy.RateLimit;
using Gateway.Tests.Support;
using Google.Protobuf;

namespace Gateway.Tests.Filters.RateLimit;

/// <summary>envoy.filters.http.ratelimit over real sockets, against a Grpc.AspNetCore rate limit service.</summary>
public sealed class RateLimitFilterTests : GrpcServiceFilterTests
{
    private readonly TestRateLimitService _service = new();

    protected override Task<GrpcPeer> StartPeerAsync() => GrpcPeer.StartAsync(_service);

    // 10 s: the suite's first gRPC call JITs the client stack, which under CI load took over 1 s once (the
    // filter then fails open and forwards without the service's headers). Timeouts are tested with 0.1s.
    private string Yaml(string filterExtra = "", int? peerPort = null, string timeout = "10s") => EnvoyYaml.Bootstrap(
        """
        - name: local
          domains: ["*"]
          rate_limits:
          - actions:
            - generic_key: { descriptor_value: from-vhost }
          routes:
          - match: { prefix: "/open" }
            route: { cluster: upstream }
            typed_per_filter_config:
              envoy.filters.http.ratelimit:
                "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                disabled: true
          - match: { prefix: "/vhost" }
            route: { cluster: upstream }
          - match: { prefix: "/source" }
            route:
              cluster: upstream
              rate_limits:
              - actions:
                - source_cluster: {}
                - destination_cluster: {}
          - match: { prefix: "/" }
            route:
              cluster: upstream
              rate_limits:
              - actions:
                - request_headers: { header_name: x-user, descriptor_key: user }
                - generic_key: { descriptor_value: api, descriptor_key: kind }
              - actions:
                - destination_cluster: {}
                - remote_address: {}
              - actions:
                - header_value_match:
                    descriptor_value: is-get
                    headers: [{ name: ":method", string_match: { exact: GET } }]
              - actions:
                - request_headers: { header_name: x-missing, descriptor_key: never }
        """,
        EnvoyYaml.StaticCluster("upstream", Upstream.Port) +
        EnvoyYaml.StaticCluster("ratelimit", peerPort ?? Peer.Port, """
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config:
                  http2_protocol_options: {}
            """),
        httpFilters: $$"""
        - name: envoy.filters.http.ratelimit
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit
            domain: test-domain
            timeout: {{timeout}}
            rate_limit_service:
              transport_api_version: V3
              grpc_service:
                envoy_grpc: { cluster_name: ratelimit }
        {{EnvoyYaml.Indent(filterExtra, 4)}}
        """);

    private static RateLimitResponse Answer(RateLimitResponse.Types.Code code, uint remaining) => new()
    {
        OverallCode = code,
        Statuses =
        {
            new RateLimitResponse.Types.DescriptorStatus
            {
                Code = code,
                LimitRemaining = remaining,
                CurrentLimit = new RateLimitResponse.Types.RateLimit { RequestsPerUnit = 10, Unit = RateLimitResponse.Types.RateLimit.Types.Unit.Minute },
                DurationUntilReset = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            },
        },
    };

    [Fact]
    public async Task Under_limit_sends_the_descriptors_and_forwards_with_the_services_headers()
    {
        _service.Decide = _ =>
        {
            var answer = Answer(RateLimitResponse.Types.Code.Ok, 9);
            answer.RequestHeadersToAdd.Add(new Gateway.Filters.Grpc.Envoy.Core.HeaderValue { Key = "x-rl-checked", Value = "1" });
            return Task.FromResult(answer);
        };
        await using var gw = await TestGateway.StartAsync(Yaml("enable_x_ratelimit_headers: DRAFT_VERSION_03"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api");
        request.Headers.Add("x-user", "alice");
        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", HeaderEcho.Header(await response.Content.ReadAsStringAsync(), "x-rl-checked"));
        Assert.Equal("10, 10;w=60", response.Headers.GetValues("x-ratelimit-limit").Single());
        Assert.Equal("9", response.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal("30", response.Headers.GetValues("x-ratelimit-reset").Single());

        Assert.True(_service.Requests.TryDequeue(out var sent));
        Assert.Equal("test-domain", sent.Domain);
        var descriptors = sent.Descriptors.Select(d => string.Join(",", d.Entries.Select(e => e.Key + "=" + e.Value))).ToArray();
        Assert.Equal(
            ["user=alice,kind=api", "destination_cluster=upstream,remote_address=127.0.0.1", "header_match=is-get"],
            descriptors);
        Assert.Equal(1, (await gw.StatsAsync())["cluster.upstream.ratelimit.ok"]);
    }

    /// <summary>source_cluster is the local service cluster, node.cluster (--service-cluster overrides it), as
    /// Envoy's SourceClusterAction reads local_info; without either the entry is sent with an empty value.</summary>
    [Theory]
    [InlineData("node:\n  cluster: front-proxy\n", "", "front-proxy")]
    [InlineData("node:\n  cluster: front-proxy\n", "edge", "edge")]
    [InlineData("", "", "")]
    public async Task Source_cluster_is_the_nodes_cluster(string node, string serviceCluster, string expected)
    {
        _service.Decide = _ => Task.FromResult(Answer(RateLimitResponse.Types.Code.Ok, 9));
        await using var gw = await TestGateway.StartAsync(node + Yaml(),
            serviceCluster.Length > 0 ? o => o with { ServiceCluster = serviceCluster } : null);
        using var response = await gw.Client.GetAsync("/source");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(_service.Requests.TryDequeue(out var sent));
        var descriptors = sent.Descriptors.Select(d => string.Join(",", d.Entries.Select(e => e.Key + "=" + e.Value))).ToArray();
        Assert.Equal([$"source_cluster={expected},destination_cluster=upstream"], descriptors);
    }

    [Fact]
    public async Task Over_limit_is_429_with_x_envoy_ratelimited_and_the_services_body()
    {
        _service.Decide = _ =>
        {
            var answer = Answer(RateLimitResponse.Types.Code.OverLimit, 0);
            answer.RawBody = ByteString.CopyFromUtf8("slow down");
            answer.ResponseHeadersToAdd.Add(new Gateway.Filters.Grpc.Envoy.Core.HeaderValue { Key = "retry-after", Value = "30" });
            return Task.FromResult(answer);
        };
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var response = await gw.Client.GetAsync("/api");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("x-envoy-ratelimited").Single());
        Assert.Equal("30", response.Headers.GetValues("retry-after").Single());
        Assert.Equal("slow down", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, UpstreamCalls);
        Assert.Equal(1, (await gw.StatsAsync())["cluster.upstream.ratelimit.over_limit"]);
    }

    [Fact]
    public async Task Virtual_host_limits_apply_to_a_route_without_its_own()
    {
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var response = await gw.Client.GetAsync("/vhost");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(_service.Requests.TryDequeue(out var sent));
        Assert.Equal("generic_key=from-vhost", string.Join(";", sent.Descriptors.Select(d => string.Join(",", d.Entries.Select(e => e.Key + "=" + e.Value)))));
    }

    [Fact]
    public async Task Peer_down_fails_open_and_failure_mode_deny_answers_500()
    {
        var down = ClosedPort.Get();
        await using (var gw = await TestGateway.StartAsync(Yaml(peerPort: down)))
        {
            using var response = await gw.Client.GetAsync("/api");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stats = await gw.StatsAsync();
            Assert.Equal(1, stats["cluster.upstream.ratelimit.error"]);
            Assert.Equal(1, stats["cluster.upstream.ratelimit.failure_mode_allowed"]);
        }

        await using (var gw = await TestGateway.StartAsync(Yaml("failure_mode_deny: true", down)))
        {
            using var response = await gw.Client.GetAsync("/api");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
    }

    [Fact]
    public async Task Slow_peer_times_out_and_the_request_goes_on()
    {
        using var release = new CancellationTokenSource();
        _service.Decide = async _ =>
        {
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { });
            return Answer(RateLimitResponse.Types.Code.OverLimit, 0);
        };
        await using var gw = await TestGateway.StartAsync(Yaml(timeout: "0.1s"));
        using var response = await gw.Client.GetAsync("/api");
        release.Cancel();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.ratelimit.upstream_rq_timeout"]);
        Assert.Equal(1, stats["cluster.upstream.ratelimit.failure_mode_allowed"]);
    }

    [Fact]
    public async Task Per_route_disabled_makes_no_call()
    {
        _service.Decide = _ => Task.FromResult(Answer(RateLimitResponse.Types.Code.OverLimit, 0));
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var response = await gw.Client.GetAsync("/open");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_service.Requests);
    }

    [Fact]
    public async Task Peer_answering_garbage_fails_open()
    {
        await using var garbage = new GarbagePeer();
        await using var gw = await TestGateway.StartAsync(Yaml(peerPort: garbage.Port));
        using var response = await gw.Client.GetAsync("/api");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await gw.StatsAsync())["cluster.upstream.ratelimit.error"]);
    }
}
