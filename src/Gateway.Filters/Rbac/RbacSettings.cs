namespace Gateway.Filters.Rbac;

/// <summary>envoy.extensions.filters.http.rbac.v3.RBAC (or RBACPerRoute.rbac), compiled; null rules enforce nothing.</summary>
public sealed record RbacSettings(IRbacEngine? Rules, IRbacEngine? ShadowRules, string RulesStatPrefix, string ShadowRulesStatPrefix)
{
    /// <summary>RBACPerRoute without rbac: the filter does nothing on that route.</summary>
    public static readonly RbacSettings None = new(null, null, "", "");
}
