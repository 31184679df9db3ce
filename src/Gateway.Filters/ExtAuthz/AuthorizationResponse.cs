namespace Gateway.Filters.ExtAuthz;

/// <summary>
/// What the authorization service decided, in transport-neutral form (Envoy's ExtAuthz::Response):
/// headers to change on the request when allowed, headers and body for the client when denied.
/// </summary>
public sealed class AuthorizationResponse
{
    public static readonly AuthorizationResponse Error = new() { Verdict = AuthorizationVerdict.Error };

    public required AuthorizationVerdict Verdict { get; init; }

    /// <summary>Denied: the status for the client (403 unless the service chose one).</summary>
    public int Status { get; init; } = 403;

    /// <summary>Denied: the body for the client.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>Allowed: request headers set (replacing any value).</summary>
    public List<KeyValuePair<string, string>>? HeadersToSet { get; set; }

    /// <summary>Allowed: request headers appended to.</summary>
    public List<KeyValuePair<string, string>>? HeadersToAppend { get; set; }

    /// <summary>Allowed: request headers removed.</summary>
    public List<string>? HeadersToRemove { get; set; }

    /// <summary>Allowed: headers added to the client's response; denied: the headers of the denial.</summary>
    public List<KeyValuePair<string, string>>? ResponseHeaders { get; set; }

    /// <summary>Allowed: dynamic metadata for the filter's namespace.</summary>
    public Dictionary<string, object?>? DynamicMetadata { get; set; }
}
