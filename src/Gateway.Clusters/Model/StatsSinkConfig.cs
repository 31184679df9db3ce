namespace Gateway.Clusters.Model;

/// <summary>
/// A bootstrap stats_sinks entry this gateway implements: envoy.stat_sinks.statsd (StatsdSink) or
/// envoy.stat_sinks.dog_statsd (DogStatsdSink), over UDP to <see cref="Address"/>:<see cref="Port"/>.
/// </summary>
/// <param name="Tagged">DogStatsD: names without tag values, the tags after <c>|#</c>; plain statsd sends full names.</param>
/// <param name="MaxBytesPerDatagram">Lines are batched (newline-separated) up to this size; 0: one line per datagram.</param>
public sealed record StatsSinkConfig(string Address, int Port, string Prefix, bool Tagged, int MaxBytesPerDatagram);
