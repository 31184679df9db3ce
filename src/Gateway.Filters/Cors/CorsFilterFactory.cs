using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.Cors;

/// <summary>
/// envoy.filters.http.cors: answers CORS preflights locally and adds the access-control-* headers to
/// responses, by the policy in typed_per_filter_config (envoy.extensions.filters.http.cors.v3.CorsPolicy),
/// or else the legacy <c>cors</c> of the route action and virtual host.
/// </summary>
public sealed class CorsFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.cors.v3.Cors";

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config) => new CorsFilterSettings(filterName);

    public bool CanParsePerRoute(string typeName) => typeName == CorsPolicyReader.FilterMessageType;

    public object? ParsePerRoute(string filterName, TypedMessage config)
    {
        var policy = CorsPolicyReader.ReadFields(config.Reader);
        // A refused config is never run; its matchers (an invalid regex, say) are not compiled.
        return config.Reader.Context.HasErrors ? null : new CorsPolicy(policy);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        new CorsFilter(config.Name, config.StatPrefix, services.GetService(typeof(Clusters.Runtime.IRuntime)) as Clusters.Runtime.IRuntime);
}
