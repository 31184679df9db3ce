using Gateway.Clusters.Model;
using Gateway.Filters.Runtime;

namespace Gateway.Filters.Csrf;

/// <summary>envoy.extensions.filters.http.csrf.v3.CsrfPolicy (filter-wide or per route), validated.</summary>
public sealed record CsrfPolicySettings(FractionalPercent FilterEnabled, FractionalPercent ShadowEnabled, IReadOnlyList<StringMatcherConfig> AdditionalOrigins);
