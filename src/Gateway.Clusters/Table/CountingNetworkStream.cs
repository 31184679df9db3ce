using System.Net.Sockets;
using Gateway.Clusters.Stats;

namespace Gateway.Clusters.Table;

/// <summary>
/// A NetworkStream that keeps the cluster's and host's <c>upstream_cx_active</c> gauge: up on open,
/// down once on dispose, with upstream_cx_destroy_local/_remote. Reads and writes are NetworkStream's own, so it costs nothing per byte.
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
            // upstream_cx_destroy, and whose side closed: a peer that has closed leaves the socket readable with
            // nothing to read (its FIN, or a reset); one checked once per connection, never per byte.
            Interlocked.Increment(ref _cluster.UpstreamCxDestroy);
            Interlocked.Increment(ref ClosedByPeer() ? ref _cluster.UpstreamCxDestroyRemote : ref _cluster.UpstreamCxDestroyLocal);
            Interlocked.Decrement(ref _cluster.UpstreamCxActive);
            if (_endpoint is not null)
            {
                Interlocked.Decrement(ref _endpoint.CxActive);
            }
        }

        base.Dispose(disposing);
    }

    private bool ClosedByPeer()
    {
        try
        {
            var socket = Socket;
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }
}
