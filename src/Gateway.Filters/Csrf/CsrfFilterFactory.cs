using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.Csrf;

/// <summary>envoy.filters.http.csrf: refuses state-changing requests whose origin is not the destination's.</summary>
public sealed class CsrfFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.csrf.v3.CsrfPolicy";

    public bool CanParse(string typeName) => typeName == TypeName;

    // The per-route message is the same CsrfPolicy.
    public bool CanParsePerRoute(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config) => ReadPolicy(config.Reader, filterName);

    public object? ParsePerRoute(string filterName, TypedMessage config) => ReadPolicy(config.Reader, filterName);

    private static CsrfPolicySettings ReadPolicy(MessageReader reader, string filterName)
    {
        if (!reader.Has("filter_enabled"))
        {
            reader.Accept("filter_enabled");
            reader.Context.Error(reader.Join("filter_enabled"), reader.Mark,
                $"csrf filter '{filterName}': filter_enabled is required (Envoy: \"FilterEnabled: value is required\"), e.g. filter_enabled: {{ default_value: {{ numerator: 100, denominator: HUNDRED }} }}");
        }

        var enabled = FractionalPercentReader.ReadRuntime(reader, "filter_enabled") ?? CsrfPolicySettings.Never;
        var shadow = FractionalPercentReader.ReadRuntime(reader, "shadow_enabled") ?? CsrfPolicySettings.Never;
        var origins = reader.Messages("additional_origins", StringMatcherReader.MessageType).Select(StringMatcherReader.Read).ToArray();
        return new CsrfPolicySettings(enabled, shadow, origins);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is CsrfPolicySettings settings
            ? new CsrfFilter(config.Name, settings, config.StatPrefix, services.GetService(typeof(Clusters.Runtime.IRuntime)) as Clusters.Runtime.IRuntime)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(CsrfFilterFactory)}.");
}
