using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Filters.RateLimit;

/// <summary>envoy.extensions.filters.http.ratelimit.v3.RateLimit and RateLimitPerRoute.</summary>
public sealed class RateLimitFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.ratelimit.v3.RateLimit";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute";

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var settings = RateLimitConfigReader.Read(filterName, config.Reader);
        config.Reader.Finish();
        return settings;
    }

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? ParsePerRoute(string filterName, TypedMessage config) => RateLimitConfigReader.ReadPerRoute(config.Reader);

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not RateLimitSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(RateLimitFilterFactory)}.");
        }

        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        // source_cluster's value: the local service cluster (node.cluster, or --service-cluster), as Envoy's local_info.
        var localCluster = services.GetService<IServerHealth>()?.LocalClusterName ?? "";
        return new RateLimitFilter(settings, localCluster, loggers.CreateLogger("ratelimit"));
    }
}
