namespace Gateway.Filters.Rbac;

/// <summary>envoy.config.rbac.v3.RBAC.Action.</summary>
public enum RbacAction
{
    /// <summary>Allowed when some policy matches.</summary>
    Allow,

    /// <summary>Denied when some policy matches.</summary>
    Deny,

    /// <summary>Always allowed; a match marks the request for the access log (envoy.common access_log_hint).</summary>
    Log,
}
