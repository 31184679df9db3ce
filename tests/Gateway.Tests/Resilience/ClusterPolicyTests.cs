using System.Net;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Resilience;

/// <summary>Each cluster and route policy of issue 5, observed over real sockets.</summary>
public class ClusterPolicyTests
{
    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task MaxRequestsOverflowAnswers503Overloaded()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], clusterExtra: """
            circuit_breakers:
              thresholds:
              - max_requests: 1
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        var slow = gateway.Client.GetAsync("/delay/1");
        await TestGateway.WaitUntilAsync(() => cluster.CircuitBreaker.RequestsInFlight == 1);

        using var rejected = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.Equal("true", rejected.Headers.GetValues("x-envoy-overloaded").Single());
        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: overflow", await rejected.Content.ReadAsStringAsync());
        Assert.Equal(1, Interlocked.Read(ref cluster.Stats.UpstreamRqPendingOverflow));

        using var first = await slow;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var again = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Theory]
    [InlineData(null, false)]
    [InlineData(100, true)]
    public async Task ConsecutiveGatewayFailuresEjectOnlyWhenEnforced(int? enforcing, bool ejected)
    {
        // Connect failures are gateway failures. consecutive_5xx is set out of reach, so only the
        // gateway-failure rule can eject, and Envoy enforces it at 0% unless told otherwise.
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var dead = TestGateway.RefusedPort();
        var enforcingLine = enforcing is null ? "" : $"\n  enforcing_consecutive_gateway_failure: {enforcing}";
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port, dead], clusterExtra: $"""
            outlier_detection:
              consecutive_5xx: 1000
              consecutive_gateway_failure: 2
              max_ejection_percent: 50{enforcingLine}
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        var bad = cluster.Endpoints.All.Single(e => e.Port == dead);

        // Round robin sends every other request to the dead host: 3 connect failures (503) in 6, or 2
        // when the second ejects it. Either way the threshold was reached, so not ejecting is the policy.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Equal(ejected ? 2 : 3, statuses.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(ejected, bad.Ejected);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task Consecutive5xxEjectsTheHostAndItComesBack()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var dead = TestGateway.RefusedPort();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port, dead], clusterExtra: """
            outlier_detection:
              consecutive_5xx: 3
              interval: 0.1s
              base_ejection_time: 3s
              max_ejection_percent: 50
            """));
        // 3 s of ejection: the 10 requests below must all land while the host is out, however slow the machine.
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        var bad = cluster.Endpoints.All.Single(e => e.Port == dead);

        // Round robin: every other request hits the dead host until its third failure ejects it.
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == 503));
        Assert.True(bad.Ejected);
        Assert.Equal("/failed_outlier_check", bad.HealthFlags);
        for (var i = 0; i < 10; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // base_ejection_time × 1 later, the interval sweep returns it to the load balancer.
        await TestGateway.WaitUntilAsync(() => !bad.Ejected);
        Assert.Contains(bad, cluster.Endpoints.BestPriorityHealthy);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task MaxEjectionPercentStillEjectsOneHostButNoMore()
    {
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([TestGateway.RefusedPort(), TestGateway.RefusedPort()], clusterExtra: """
            outlier_detection:
              consecutive_5xx: 1
              base_ejection_time: 30s
              max_ejection_percent: 10
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(1, cluster.Endpoints.All.Count(e => e.Ejected));
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task FailingHealthCheckWithPanicDisabledLeavesNoHealthyUpstream()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], clusterExtra: """
            common_lb_config: { healthy_panic_threshold: { value: 0 } }
            health_checks:
            - timeout: 1s
              interval: 0.2s
              unhealthy_threshold: 1
              healthy_threshold: 1
              http_health_check:
                path: /status/500
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        await TestGateway.WaitUntilAsync(() => cluster.Endpoints.All[0].FailedActiveHealthCheck);
        using var response = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no healthy upstream", await response.Content.ReadAsStringAsync());
        Assert.Equal("/failed_active_hc", cluster.Endpoints.All[0].HealthFlags);
    }

    [Fact]
    public async Task AllHostsFailingTheirHealthCheckPanicAndStillTakeTraffic()
    {
        // Envoy's default healthy_panic_threshold (50%): with no healthy host the load balancer uses them all.
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], clusterExtra: """
            health_checks:
            - timeout: 1s
              interval: 0.2s
              unhealthy_threshold: 1
              healthy_threshold: 1
              http_health_check:
                path: /status/500
            """));
        await TestGateway.WaitUntilAsync(async () => (await gateway.Admin.GetStringAsync("/clusters")).Contains("health_flags::/failed_active_hc", StringComparison.Ordinal));
        using var response = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await gateway.StatsAsync())["cluster.backend.lb_healthy_panic"] >= 1);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task HealthCheckTakesADownHostOutAndBringsItBack()
    {
        await using var good = await DemoUpstreamServer.StartAsync();
        var flaky = await DemoUpstreamServer.StartAsync();
        var flakyPort = flaky.Port;
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([good.Port, flakyPort], clusterExtra: """
            health_checks:
            - timeout: 2s
              interval: 0.1s
              unhealthy_threshold: 2
              healthy_threshold: 2
              http_health_check:
                path: /status/200
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        var host = cluster.Endpoints.All.Single(e => e.Port == flakyPort);
        // On a busy machine a cold upstream's first check can be slow; wait for both hosts to pass
        // (the first result decides at once) rather than assume they already have.
        await TestGateway.WaitUntilAsync(() => cluster.Endpoints.All.All(e => !e.FailedActiveHealthCheck));

        await flaky.DisposeAsync();
        await TestGateway.WaitUntilAsync(() => host.FailedActiveHealthCheck);
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var back = await DemoUpstreamServer.StartAsync($"http://127.0.0.1:{flakyPort}");
        await TestGateway.WaitUntilAsync(() => !host.FailedActiveHealthCheck);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task RetryOn5xxMovesAConnectFailureToAnotherHost()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port, TestGateway.RefusedPort()], routeExtra: """
            retry_policy:
              retry_on: 5xx
              num_retries: 2
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(Interlocked.Read(ref cluster.Stats.UpstreamRqRetry) >= 2);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task RetriableStatusCodesRetryNumRetriesTimesThenPassTheLastResponse()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], routeExtra: """
            retry_policy:
              retry_on: retriable-status-codes
              retriable_status_codes: [418]
              num_retries: 2
              retry_back_off:
                base_interval: 0.01s
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        var before = upstream.RequestCount;
        using var response = await gateway.Client.GetAsync("/status/418");
        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal(3, upstream.RequestCount - before);
        Assert.Equal(2, Interlocked.Read(ref cluster.Stats.UpstreamRqRetry));

        // A status retry_on does not name is not retried; a body is replayed as Envoy does (buffered up to the limit).
        before = upstream.RequestCount;
        using var notRetried = await gateway.Client.GetAsync("/status/503");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notRetried.StatusCode);
        using var withBody = await gateway.Client.PostAsync("/status/418", new StringContent("x"));
        Assert.Equal((HttpStatusCode)418, withBody.StatusCode);
        Assert.Equal(4, upstream.RequestCount - before);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task PerTryTimeoutAnswers504AfterRetries()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], routeExtra: """
            retry_policy:
              retry_on: 5xx
              num_retries: 1
              per_try_timeout: 0.2s
            """));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var cluster));
        using var response = await gateway.Client.GetAsync("/delay/2");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream request timeout", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, Interlocked.Read(ref cluster.Stats.UpstreamRqRetry));
    }

    [Fact]
    public async Task UpstreamKilledMidLoadGives503AndRecoversWhenItReturns()
    {
        var upstream = await DemoUpstreamServer.StartAsync();
        var port = upstream.Port;
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([port]));
        using var stop = new CancellationTokenSource();
        var unexpected = new List<string>();
        var counts = new int[600];
        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await gateway.Client.GetAsync("/get");
                var body = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref counts[(int)response.StatusCode]);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && !body.StartsWith("upstream connect error or disconnect/reset before headers.", StringComparison.Ordinal))
                {
                    lock (unexpected)
                    {
                        unexpected.Add(body);
                    }
                }
                else if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
                {
                    lock (unexpected)
                    {
                        unexpected.Add($"{(int)response.StatusCode} {body}");
                    }
                }
            }
        })).ToArray();

        await TestGateway.WaitUntilAsync(() => Volatile.Read(ref counts[200]) > 20);
        await upstream.DisposeAsync();
        await TestGateway.WaitUntilAsync(() => Volatile.Read(ref counts[503]) > 20);
        await using var restarted = await DemoUpstreamServer.StartAsync($"http://127.0.0.1:{port}");
        var okBefore = Volatile.Read(ref counts[200]);
        await TestGateway.WaitUntilAsync(() => Volatile.Read(ref counts[200]) > okBefore + 20);
        stop.Cancel();
        await Task.WhenAll(loops);
        Assert.Empty(unexpected);
    }
}
