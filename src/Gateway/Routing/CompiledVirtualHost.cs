using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Routing;

/// <summary>A virtual host's routes, tried in order; the first match wins, as in Envoy.</summary>
public sealed class CompiledVirtualHost
{
    private readonly CompiledRoute[] _routes;

    internal CompiledVirtualHost(VirtualHostConfig config, RouteTableConfig table, Clusters.Runtime.IRuntime? runtime = null)
    {
        Config = config;
        _routes = config.Routes.Select(r => new CompiledRoute(r, config, table, runtime)).ToArray();
        // A short list scans fastest; a long one is worth indexing by literal path prefix.
        _index = _routes.Length > IndexThreshold ? new RouteIndex(_routes) : null;
    }

    private const int IndexThreshold = 16;

    private readonly RouteIndex? _index;

    public VirtualHostConfig Config { get; }

    public IReadOnlyList<CompiledRoute> Routes => _routes;

    public CompiledRoute? Match(HttpRequest request, string rawTarget, int pathLength)
    {
        if (_index is not null)
        {
            return _index.Match(request, rawTarget, pathLength);
        }

        foreach (var route in _routes)
        {
            if (route.Matcher.Matches(request, rawTarget, pathLength))
            {
                return route;
            }
        }

        return null;
    }
}
