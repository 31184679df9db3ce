using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads bootstrap stats_sinks: statsd and DogStatsD over UDP; other sinks are refused by name.</summary>
internal static class StatsSinkReader
{
    private const string StatsdType = "envoy.config.metrics.v3.StatsdSink";
    private const string DogStatsdType = "envoy.config.metrics.v3.DogStatsdSink";

    public static IReadOnlyList<StatsSinkConfig> ReadAll(IReadOnlyList<MessageReader> sinks)
    {
        var result = new List<StatsSinkConfig>();
        foreach (var sink in sinks)
        {
            var name = sink.String("name") ?? "";
            var typed = sink.Any("typed_config");
            sink.Finish();
            if (typed is null || typed.TypeName is not (StatsdType or DogStatsdType))
            {
                sink.Context.Unsupported(sink.Path, sink.Mark,
                    $"stats sink '{name}' ({typed?.TypeName ?? "no typed_config"}) is not supported; supported: {StatsdType} and {DogStatsdType} over UDP");
                typed?.Reader.Finish();
                continue;
            }

            var reader = typed.Reader;
            var dog = typed.TypeName == DogStatsdType;
            if (reader.Has("tcp_cluster_name"))
            {
                reader.Unsupported("tcp_cluster_name", "send over UDP with address");
            }

            var address = SocketAddressReader.Read(reader.Message("address", "envoy.config.core.v3.Address"), reader, "address", udp: true);
            var prefix = reader.String("prefix") is { Length: > 0 } p ? p : "envoy";
            var maxBytes = dog ? (int)(reader.Integer("max_bytes_per_datagram", 1, 65507) ?? 512) : 0;
            reader.Finish();
            if (address is null)
            {
                // SocketAddressReader has reported what is missing.
                continue;
            }

            result.Add(new StatsSinkConfig(address.Address, address.Port, prefix, dog, maxBytes));
        }

        return result;
    }
}
