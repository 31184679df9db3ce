namespace Gateway.Clusters.Stats;

/// <summary>
/// Implemented by anything with stats of its own (an HTTP filter, its factory, or a service in the
/// container) so they appear in the admin's /stats and /stats/prometheus. Keep the counters as plain
/// long fields updated with Interlocked on the request path; report them here by reference, e.g.
/// <c>writer.Counter("http_call.calls", ref _calls)</c>.
/// </summary>
public interface IReportsStats
{
    void ReportStats(IStatsWriter writer);
}
