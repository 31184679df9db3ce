using Gateway.Clusters.Model;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Filters.HttpCall;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.HttpCall;

internal static class HttpCallTestSupport
{
    public static ClusterConfig Cluster(string name, int port, string address = "127.0.0.1") => new(
        name,
        DiscoveryType.Static,
        TimeSpan.FromSeconds(2),
        LbPolicy.RoundRobin,
        DnsLookupFamily.V4Only,
        TimeSpan.FromSeconds(5),
        [new EndpointConfig(address, port, 1, 0)],
        UpstreamProtocol.Http1,
        null,
        CircuitBreakerThresholds.Default,
        null,
        null,
        null,
        "static_resources.clusters[0]");

    /// <summary>Builds the filter the way the gateway does: parse the plugin JSON, then the factory's Create.</summary>
    public static HttpCallFilter Filter(string json, CapturingLoggerProvider logs, string pluginName = "http-call", string rootId = "")
    {
        Assert.True(HttpCallConfigParser.TryParse(json, out var config, out var error), error);
        var settings = new HttpCallFilterSettings("wasmdemo", pluginName, rootId, "", "/etc/envoy/main.wasm", config);
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).BuildServiceProvider();
        var filter = new HttpCallFilterFactory().Create(new HttpFilterConfig("wasmdemo", HttpCallFilterFactory.TypeName, settings, "p"), services);
        return Assert.IsType<HttpCallFilter>(filter);
    }

    public static HttpFilterContext Context(ClusterTable table, string? requestId = "req-1", string? routeCluster = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/get";
        http.Request.Host = new HostString("gateway.local:10000");
        http.Response.Body = new MemoryStream();
        if (requestId is not null)
        {
            http.Request.Headers["x-request-id"] = requestId;
        }

        return new HttpFilterContext(http, table) { RouteClusterName = routeCluster };
    }

    public static string? Header(HttpFilterContext context, string name = "X-External-Response") =>
        context.HttpContext.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;
}
