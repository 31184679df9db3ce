namespace Gateway.Clusters.Table;

/// <summary>
/// Told when the connection pool opens a connection for a request (the request the pool opened it for, its
/// <c>InitialRequestMessage</c>): the router's per-try timer starts once the connection is up, as Envoy's starts at
/// onPoolReady. Set on a request's options under <see cref="OptionKey"/>; requests without one cost nothing.
/// </summary>
public interface IUpstreamConnectObserver
{
    public static readonly HttpRequestOptionsKey<IUpstreamConnectObserver> OptionKey = new("gateway.upstream-connect-observer");

    /// <summary>A connection (TCP and, with upstream TLS, the handshake) is being opened for the request.</summary>
    void ConnectStarted();

    /// <summary>That connection is up, or failed.</summary>
    void ConnectFinished();
}
