using Gateway.Clusters.Stats;

namespace Gateway.Filters;

/// <summary>
/// A filter whose stats live under its connection manager's scope, as Envoy's HTTP filter stats do
/// (<c>http.&lt;stat_prefix&gt;.csrf.request_valid</c>). The filter is built per listener, but its
/// factory does not learn the HCM's stat_prefix, so the admin's stats walk passes it in.
/// </summary>
public interface IReportsHttpFilterStats
{
    /// <param name="hcmStatPrefix">The HCM's stat_prefix (<c>ingress_http</c>); names start with <c>http.{prefix}.</c>.</param>
    void ReportStats(IStatsWriter writer, string hcmStatPrefix);
}
