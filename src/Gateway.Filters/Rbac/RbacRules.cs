using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.Rbac;

/// <summary>A compiled envoy.config.rbac.v3.RBAC (Envoy's RoleBasedAccessControlEngineImpl).</summary>
public sealed class RbacRules : IRbacEngine
{
    public RbacRules(RbacAction action, IReadOnlyList<RbacPolicy> policies)
    {
        Action = action;
        // Envoy keeps policies in a std::map: they are tried in name order, and the first match names the result.
        Policies = policies.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
    }

    public RbacAction Action { get; }

    public IReadOnlyList<RbacPolicy> Policies { get; }

    /// <summary>Envoy's handleAction: true when the request is allowed; <paramref name="effectivePolicy"/> is the policy that matched, if any.</summary>
    public bool Allows(HttpContext http, out string? effectivePolicy, out bool logged)
    {
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        effectivePolicy = null;
        foreach (var policy in Policies)
        {
            if (policy.Permissions.Matches(http, rawTarget) && policy.Principals.Matches(http, rawTarget))
            {
                effectivePolicy = policy.Name;
                break;
            }
        }

        logged = Action == RbacAction.Log && effectivePolicy is not null;
        return Action switch
        {
            RbacAction.Allow => effectivePolicy is not null,
            RbacAction.Deny => effectivePolicy is null,
            _ => true,
        };
    }
}
