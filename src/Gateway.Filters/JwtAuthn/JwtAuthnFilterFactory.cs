using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.JwtAuthn;

/// <summary>envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication and its PerRouteConfig.</summary>
public sealed class JwtAuthnFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig";

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var settings = JwtAuthnConfigReader.Read(filterName, config.Reader);
        config.Reader.Finish();
        return settings;
    }

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? ParsePerRoute(string filterName, TypedMessage config) => JwtAuthnConfigReader.ReadPerRoute(config.Reader);

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is JwtAuthnSettings settings
            ? new JwtAuthnFilter(settings)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(JwtAuthnFilterFactory)}.");
}
