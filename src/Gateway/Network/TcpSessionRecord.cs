namespace Gateway.Network;

/// <summary>What a finished tcp_proxy connection offers its access log.</summary>
internal sealed class TcpSessionRecord
{
    public required DownstreamConnectionInfo Downstream { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public long DurationMs { get; set; }

    public long BytesReceived { get; set; }

    public long BytesSent { get; set; }

    public string? Cluster { get; set; }

    public string? UpstreamHost { get; set; }

    public string? UpstreamLocalAddress { get; set; }

    /// <summary>Envoy's response flags: UF (connect failure), UH (no healthy upstream), UO (overflow), NR (no cluster), "-" for none.</summary>
    public string ResponseFlags { get; set; } = "-";

    public string? TerminationDetails { get; set; }
}
