using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.Fault;

/// <summary>envoy.filters.http.fault: injects delays and aborts (fixed or header-controlled), filter-wide or per route.</summary>
public sealed class FaultFilterFactory : IHttpFilterFactory
{
    private readonly TimeProvider _time;

    public FaultFilterFactory(TimeProvider time)
    {
        _time = time;
    }

    public bool CanParse(string typeName) => typeName == FaultConfigParser.MessageType;

    public object? Parse(string filterName, TypedMessage config) => FaultConfigParser.Parse(config.Reader);

    public bool CanParsePerRoute(string typeName) => typeName == FaultConfigParser.MessageType;

    public object? ParsePerRoute(string filterName, TypedMessage config) => FaultConfigParser.Parse(config.Reader);

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not FaultSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(FaultFilterFactory)}.");
        }

        return new FaultFilter(config.Name, settings, config.StatPrefix, _time, services.GetService(typeof(Clusters.Runtime.IRuntime)) as Clusters.Runtime.IRuntime);
    }
}
