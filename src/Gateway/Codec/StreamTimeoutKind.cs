namespace Gateway.Codec;

/// <summary>Which of the connection manager's stream timers fired.</summary>
internal enum StreamTimeoutKind
{
    None,

    /// <summary>stream_idle_timeout (or the route's idle_timeout): no bytes either way for that long.</summary>
    Idle,

    /// <summary>request_timeout: the whole request had not arrived in time.</summary>
    Request,
}
