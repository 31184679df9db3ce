using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Filters.ExtAuthz;

/// <summary>envoy.extensions.filters.http.ext_authz.v3.ExtAuthz and its per-route ExtAuthzPerRoute.</summary>
public sealed class ExtAuthzFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.ext_authz.v3.ExtAuthz";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute";

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var settings = ExtAuthzConfigReader.Read(filterName, config.Reader);
        config.Reader.Finish();
        return settings;
    }

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? ParsePerRoute(string filterName, TypedMessage config) => ExtAuthzConfigReader.ReadPerRoute(config.Reader);

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not ExtAuthzSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(ExtAuthzFilterFactory)}.");
        }

        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return new ExtAuthzFilter(settings, loggers.CreateLogger("ext_authz"));
    }
}
