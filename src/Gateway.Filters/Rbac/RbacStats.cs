namespace Gateway.Filters.Rbac;

/// <summary>Envoy's ENFORCE_RBAC_FILTER_STATS and SHADOW_RBAC_FILTER_STATS.</summary>
public sealed class RbacStats
{
    public long Allowed;
    public long Denied;
    public long ShadowAllowed;
    public long ShadowDenied;
}
