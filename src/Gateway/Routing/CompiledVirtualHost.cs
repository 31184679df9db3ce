using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Routing;

/// <summary>A virtual host's routes, tried in order; the first match wins, as in Envoy.</summary>
public sealed class CompiledVirtualHost
{
    private readonly CompiledRoute[] _routes;

    internal CompiledVirtualHost(VirtualHostConfig config, RouteTableConfig table)
    {
        Config = config;
        _routes = config.Routes.Select(r => new CompiledRoute(r, config, table)).ToArray();
    }

    public VirtualHostConfig Config { get; }

    public IReadOnlyList<CompiledRoute> Routes => _routes;

    public CompiledRoute? Match(HttpRequest request, string rawTarget, int pathLength)
    {
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
