namespace Gateway.Clusters.Model;

/// <summary>One rate_limited_retry_back_off.reset_headers entry: a response header carrying when to retry.</summary>
/// <param name="Name">The header name (lower-case).</param>
/// <param name="UnixTimestamp">Format UNIX_TIMESTAMP (the value is a time in seconds since the epoch) rather than SECONDS.</param>
public sealed record RetryResetHeaderConfig(string Name, bool UnixTimestamp);
