using Gateway.Clusters.Model;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Routing;

/// <summary>The indexed matcher used for long route lists must pick exactly what Envoy's ordered scan picks.</summary>
public class RouteIndexTests
{
    [Fact]
    public void IndexedMatchAgreesWithOrderedScanOnRandomRoutes()
    {
        var random = new Random(1234);
        var segments = new[] { "a", "ab", "api", "b", "v1", "v2", "x" };
        string RandomPath() => "/" + string.Join("/", Enumerable.Range(0, random.Next(0, 4)).Select(_ => segments[random.Next(segments.Length)]));

        var routes = new List<RouteConfig>();
        for (var i = 0; i < 200; i++)
        {
            var kind = (PathMatchKind)random.Next(4);
            var value = kind == PathMatchKind.SafeRegex ? "/a.*b" : RandomPath();
            if (kind == PathMatchKind.PathSeparatedPrefix && value.Length > 1 && value.EndsWith('/'))
            {
                value = value.TrimEnd('/');
            }

            var headers = random.Next(10) == 0
                ? new[] { new HeaderMatcherConfig("x-canary", new StringMatcherConfig(StringMatchKind.Exact, "1", false), null, null, false, false) }
                : Array.Empty<HeaderMatcherConfig>();
            var match = new RouteMatchConfig(kind, value, random.Next(8) != 0, headers, []);
            routes.Add(new RouteConfig($"r{i}", match, null, new DirectResponseConfig(200, null), null, HeaderMutationConfig.Empty, $"routes[{i}]"));
        }

        var vhost = new VirtualHostConfig("v", ["*"], routes, HeaderMutationConfig.Empty, "v");
        var table = new RouteTableConfig("t", [vhost], HeaderMutationConfig.Empty);
        var indexed = new CompiledVirtualHost(vhost, table);

        for (var n = 0; n < 2000; n++)
        {
            var context = new DefaultHttpContext();
            var target = RandomPath() + (random.Next(4) == 0 ? "?q=" + segments[random.Next(segments.Length)] : "");
            if (random.Next(3) == 0)
            {
                target = target.ToUpperInvariant();
            }

            if (random.Next(5) == 0)
            {
                context.Request.Headers["x-canary"] = "1";
            }

            var pathLength = target.IndexOf('?') is var q and >= 0 ? q : target.Length;
            var expected = indexed.Routes.FirstOrDefault(r => r.Matcher.Matches(context.Request, target, pathLength));
            var actual = indexed.Match(context.Request, target, pathLength);
            Assert.True(ReferenceEquals(expected, actual), $"{target}: expected {expected?.Name ?? "none"}, got {actual?.Name ?? "none"}");
        }
    }
}
