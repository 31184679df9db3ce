using Gateway.Tests.Support;

namespace Gateway.Tests.Filters;

/// <summary>
/// Set-up shared by the tests of filters that call a gRPC service (ext_authz, ratelimit): the test's
/// service served by a <see cref="GrpcPeer"/> (<see cref="StartPeerAsync"/>), and an upstream that echoes
/// the request headers it got and counts its calls.
/// </summary>
public abstract class GrpcServiceFilterTests : IAsyncLifetime
{
    private int _upstreamCalls;

    protected GrpcPeer Peer { get; private set; } = null!;

    protected TinyUpstream Upstream { get; private set; } = null!;

    /// <summary>Requests the upstream has served.</summary>
    protected int UpstreamCalls => Volatile.Read(ref _upstreamCalls);

    public async Task InitializeAsync()
    {
        Peer = await StartPeerAsync();
        Upstream = await TinyUpstream.StartAsync(ctx =>
        {
            Interlocked.Increment(ref _upstreamCalls);
            return HeaderEcho.Handle(ctx);
        });
    }

    /// <summary>Starts the test's service: <c>GrpcPeer.StartAsync(service)</c>.</summary>
    protected abstract Task<GrpcPeer> StartPeerAsync();

    public async Task DisposeAsync()
    {
        await Peer.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
