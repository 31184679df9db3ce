using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Rbac;

/// <summary>An RBAC engine: policies (<see cref="RbacRules"/>) or the matcher API (<see cref="RbacMatcherEngine"/>).</summary>
public interface IRbacEngine
{
    /// <summary>
    /// True when the request is allowed. <paramref name="effectivePolicy"/> names the policy (or action)
    /// that decided, if any; <paramref name="logged"/> is true when a LOG rule matched.
    /// </summary>
    bool Allows(HttpContext http, out string? effectivePolicy, out bool logged);
}
