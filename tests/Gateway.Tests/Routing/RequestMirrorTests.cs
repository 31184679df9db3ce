using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Routing;

/// <summary>
/// request_mirror_policies over real sockets, as Envoy's shadowing: a copy of the request as the router
/// sends it reaches the mirror cluster with <c>-shadow</c> on its host, whatever the mirror answers; the
/// runtime fraction, cluster_header and disable_shadow_host_suffix_append choose; bodies are mirrored.
/// </summary>
public sealed class RequestMirrorTests
{
    /// <summary>What the mirror upstream saw, one line per request: method, target, host, x-envoy-internal, body.</summary>
    private sealed class Recorder
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public async Task HandleAsync(HttpContext context)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            Seen.Enqueue($"{context.Request.Method} {target} {context.Request.Host} internal={context.Request.Headers["x-envoy-internal"]} xff={context.Request.Headers["x-forwarded-for"]} body={body}");
            context.Response.StatusCode = 500;
        }
    }

    private static string Yaml(int mainPort, int mirrorPort, string routes) => EnvoyYaml.WithRoutes(routes,
        EnvoyYaml.StaticCluster("main", mainPort) + "\n" + EnvoyYaml.StaticCluster("shadow", mirrorPort));

    private const string Routes = """
        - match: { prefix: "/none" }
          route:
            cluster: main
            request_mirror_policies:
            - cluster: shadow
              runtime_fraction: { default_value: { numerator: 0 } }
        - match: { prefix: "/byheader" }
          route:
            cluster: main
            request_mirror_policies: [{ cluster_header: x-mirror-to }]
        - match: { prefix: "/nosuffix" }
          route:
            cluster: main
            request_mirror_policies: [{ cluster: shadow, disable_shadow_host_suffix_append: true }]
        - match: { prefix: "/old/" }
          route:
            cluster: main
            prefix_rewrite: /new/
            request_mirror_policies: [{ cluster: shadow }]
        - match: { prefix: "/" }
          route:
            cluster: main
            request_mirror_policies: [{ cluster: shadow }]
        """;

    private static async Task<(TinyUpstream Main, TinyUpstream Mirror, Recorder Recorder, TestGateway Gateway)> StartAsync()
    {
        var main = await TinyUpstream.StartAsync(context => context.Response.WriteAsync("main"));
        var recorder = new Recorder();
        var mirror = await TinyUpstream.StartAsync(recorder.HandleAsync);
        var gateway = await TestGateway.StartAsync(Yaml(main.Port, mirror.Port, Routes));
        return (main, mirror, recorder, gateway);
    }

    private static async Task<string> NextAsync(Recorder recorder)
    {
        await TestGateway.WaitUntilAsync(() => !recorder.Seen.IsEmpty);
        Assert.True(recorder.Seen.TryDequeue(out var line));
        return line!;
    }

    [Fact]
    public async Task A_get_is_copied_to_the_mirror_with_a_shadow_host_and_the_mirrors_answer_is_ignored()
    {
        var (main, mirror, recorder, gateway) = await StartAsync();
        await using (main)
        await using (mirror)
        await using (gateway)
        {
            var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a?x=1 HTTP/1.1\r\nHost: a.test:8080\r\n\r\n");
            Assert.True(response.Status == 200, response.ToString());
            Assert.Equal("main", response.Body);
            var seen = await NextAsync(recorder);
            Assert.StartsWith("GET /a?x=1 a.test-shadow:8080 internal=true xff=", seen, StringComparison.Ordinal);
            Assert.EndsWith(" body=", seen, StringComparison.Ordinal);
            await TestGateway.WaitUntilAsync(async () => (await gateway.StatsAsync()).GetValueOrDefault("cluster.shadow.upstream_rq_5xx") == 1);
        }
    }

    [Fact]
    public async Task A_body_is_mirrored_whole_and_a_rewritten_path_is_mirrored_rewritten()
    {
        var (main, mirror, recorder, gateway) = await StartAsync();
        await using (main)
        await using (mirror)
        await using (gateway)
        {
            using var content = new StringContent("hello mirror");
            using var posted = await gateway.Client.PostAsync("/old/x", content);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            var seen = await NextAsync(recorder);
            Assert.StartsWith("POST /new/x ", seen, StringComparison.Ordinal);
            Assert.EndsWith("body=hello mirror", seen, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_fraction_the_header_and_the_suffix_switch_choose()
    {
        var (main, mirror, recorder, gateway) = await StartAsync();
        await using (main)
        await using (mirror)
        await using (gateway)
        {
            // 0%: not mirrored; a header naming no cluster: not mirrored. The next mirrored request shows nothing came before it.
            Assert.Equal("main", await gateway.Client.GetStringAsync("/none"));
            using (var request = new HttpRequestMessage(HttpMethod.Get, "/byheader/1"))
            {
                request.Headers.Add("x-mirror-to", "no-such-cluster");
                (await gateway.Client.SendAsync(request)).Dispose();
            }

            using (var request = new HttpRequestMessage(HttpMethod.Get, "/byheader/2"))
            {
                request.Headers.Add("x-mirror-to", "shadow");
                (await gateway.Client.SendAsync(request)).Dispose();
            }

            Assert.StartsWith("GET /byheader/2 ", await NextAsync(recorder), StringComparison.Ordinal);
            using (var request = new HttpRequestMessage(HttpMethod.Get, "/nosuffix"))
            {
                request.Headers.Host = "b.test";
                (await gateway.Client.SendAsync(request)).Dispose();
            }

            Assert.StartsWith("GET /nosuffix b.test ", await NextAsync(recorder), StringComparison.Ordinal);
            Assert.True(recorder.Seen.IsEmpty);
        }
    }

    [Fact]
    public async Task A_mirror_that_cannot_be_reached_does_not_touch_the_request()
    {
        await using var main = await TinyUpstream.StartAsync(context => context.Response.WriteAsync("main"));
        await using var gateway = await TestGateway.StartAsync(Yaml(main.Port, TestGateway.RefusedPort(), Routes));
        Assert.Equal("main", await gateway.Client.GetStringAsync("/a"));
        await TestGateway.WaitUntilAsync(async () => (await gateway.StatsAsync()).GetValueOrDefault("cluster.shadow.upstream_cx_connect_fail") == 1);
    }

    [Fact]
    public async Task An_unknown_shadow_cluster_is_a_config_error()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: main, request_mirror_policies: [{ cluster: nowhere }] }
            """, EnvoyYaml.StaticCluster("main", 1));
        var error = await Assert.ThrowsAsync<Gateway.Clusters.Configuration.ConfigException>(() => TestGateway.StartAsync(yaml));
        Assert.Contains("unknown shadow cluster 'nowhere'", error.Message, StringComparison.Ordinal);
    }
}
