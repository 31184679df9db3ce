namespace Gateway.Clusters.Resilience;

/// <summary>How one attempt to an upstream host ended, as outlier detection classifies it.</summary>
public enum UpstreamOutcome
{
    /// <summary>Response headers arrived; the status decides.</summary>
    Response,

    /// <summary>Connect failure, reset or timeout before headers: a local-origin error mapped to a gateway failure.</summary>
    LocalFailure,
}
