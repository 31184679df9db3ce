using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.LocalRateLimit;

/// <summary>
/// envoy.filters.http.local_ratelimit: a token bucket per config (the filter's, and each per-route
/// LocalRateLimit in typed_per_filter_config), refusing requests over it with 429 local_rate_limited.
/// </summary>
public sealed class LocalRateLimitFilterFactory : IHttpFilterFactory
{
    private readonly TimeProvider _time;

    public LocalRateLimitFilterFactory(TimeProvider time)
    {
        _time = time;
    }

    public bool CanParse(string typeName) => typeName == LocalRateLimitConfigParser.MessageType;

    public object? Parse(string filterName, TypedMessage config) => LocalRateLimitConfigParser.Parse(filterName, config.Reader, perRoute: false);

    public bool CanParsePerRoute(string typeName) => typeName == LocalRateLimitConfigParser.MessageType;

    public object? ParsePerRoute(string filterName, TypedMessage config) =>
        new LocalRateLimitPolicy(LocalRateLimitConfigParser.Parse(filterName, config.Reader, perRoute: true), _time);

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not LocalRateLimitSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(LocalRateLimitFilterFactory)}.");
        }

        return new LocalRateLimitFilter(config.Name, new LocalRateLimitPolicy(settings, _time), services.GetService(typeof(Clusters.Runtime.IRuntime)) as Clusters.Runtime.IRuntime);
    }
}
