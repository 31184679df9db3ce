using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.Rbac;

/// <summary>envoy.filters.http.rbac: allow/deny by policies of permissions and principals; shadow rules only count.</summary>
public sealed class RbacFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.rbac.v3.RBAC";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.rbac.v3.RBACPerRoute";

    public bool CanParse(string typeName) => typeName == TypeName;

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? Parse(string filterName, TypedMessage config) => ReadRbac(config.Reader);

    public object? ParsePerRoute(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var rbac = reader.Message("rbac", TypeName);
        if (rbac is null)
        {
            return RbacSettings.None;
        }

        var settings = ReadRbac(rbac);
        rbac.Finish();
        return settings;
    }

    private static RbacSettings ReadRbac(MessageReader reader)
    {
        var rules = ReadEngine(reader, "rules", "matcher");
        var shadow = ReadEngine(reader, "shadow_rules", "shadow_matcher");
        reader.Accept("track_per_rule_stats");
        var rulesPrefix = reader.String("rules_stat_prefix") ?? "";
        var shadowPrefix = reader.String("shadow_rules_stat_prefix") ?? "";
        return new RbacSettings(rules, shadow, rulesPrefix, shadowPrefix);
    }

    /// <summary>Envoy: when the matcher is given, the rules are ignored (with a warning).</summary>
    private static IRbacEngine? ReadEngine(MessageReader reader, string rulesField, string matcherField)
    {
        IRbacEngine? engine = null;
        if (reader.Message(rulesField, RbacRulesReader.RbacType) is { } rulesReader)
        {
            engine = RbacRulesReader.Read(rulesReader);
            rulesReader.Finish();
        }

        if (reader.Message(matcherField, "xds.type.matcher.v3.Matcher") is { } matcher)
        {
            if (engine is not null)
            {
                reader.Context.Warning(reader.Join(rulesField), reader.MarkOf(rulesField), $"RBAC {rulesField} are ignored when {matcherField} is configured (as in Envoy)");
            }

            engine = RbacMatcherReader.Read(matcher);
        }

        return engine;
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is RbacSettings settings
            ? new RbacFilter(config.Name, settings, config.StatPrefix)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(RbacFilterFactory)}.");
}
