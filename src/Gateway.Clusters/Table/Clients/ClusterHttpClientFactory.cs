namespace Gateway.Clusters.Table.Clients;

/// <summary>
/// <see cref="IHttpClientFactory"/> over the cluster table: <c>CreateClient("outbound|8000||172.22.220.21.static")</c>
/// is a client of that envoy.yaml cluster, sending through the cluster entry's own pool, load balancer,
/// circuit breaker, outlier detection and stats, as the router and http-call do. Unlike the default
/// factory it neither rotates nor disposes handlers: the pools belong to the cluster table, which a
/// reload replaces, and each request looks its cluster up in the current table, so a client follows reloads.
/// </summary>
public sealed class ClusterHttpClientFactory : IHttpClientFactory, IHttpMessageHandlerFactory
{
    /// <summary>What a relative request URI is resolved against; scheme, host and port are replaced by the endpoint's.</summary>
    public static readonly Uri BaseAddress = new("http://cluster/");

    private readonly Func<ClusterTable> _currentTable;

    public ClusterHttpClientFactory(Func<ClusterTable> currentTable)
    {
        ArgumentNullException.ThrowIfNull(currentTable);
        _currentTable = currentTable;
    }

    /// <summary>A client of cluster <paramref name="name"/>; cheap, and safe to keep or dispose.</summary>
    public HttpClient CreateClient(string name) =>
        new(CreateHandler(name), disposeHandler: true) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The handler routing to cluster <paramref name="name"/>; disposing it leaves the cluster's pool alone.</summary>
    public HttpMessageHandler CreateHandler(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new ClusterRoutingHandler(_currentTable, name);
    }
}
