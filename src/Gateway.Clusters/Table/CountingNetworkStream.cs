using System.Net.Sockets;
using Gateway.Clusters.Stats;

namespace Gateway.Clusters.Table;

/// <summary>
/// A NetworkStream that keeps the cluster's and host's <c>upstream_cx_active</c> gauge: up on open,
/// down once on dispose. Reads and writes are NetworkStream's own, so it costs nothing per byte.
/// </summary>
internal sealed class CountingNetworkStream : NetworkStream
{
    private readonly ClusterStats _cluster;
    private readonly EndpointStats? _endpoint;
    private int _disposed;

    public CountingNetworkStream(Socket socket, ClusterStats cluster, EndpointStats? endpoint)
        : base(socket, ownsSocket: true)
    {
        _cluster = cluster;
        _endpoint = endpoint;
        Interlocked.Increment(ref cluster.UpstreamCxActive);
        if (endpoint is not null)
        {
            Interlocked.Increment(ref endpoint.CxActive);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interlocked.Decrement(ref _cluster.UpstreamCxActive);
            if (_endpoint is not null)
            {
                Interlocked.Decrement(ref _endpoint.CxActive);
            }
        }

        base.Dispose(disposing);
    }
}
