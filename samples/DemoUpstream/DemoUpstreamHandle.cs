using Microsoft.AspNetCore.Builder;

namespace DemoUpstream;

/// <summary>
/// A running demo upstream. Dispose it to stop the server and release the port.
/// </summary>
public sealed class DemoUpstreamHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestCounter _counter;
    private int _disposed;

    internal DemoUpstreamHandle(WebApplication app, IReadOnlyList<Uri> addresses, RequestCounter counter)
    {
        _app = app;
        _counter = counter;
        Addresses = addresses;
    }

    /// <summary>All addresses Kestrel actually bound (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>The port of <see cref="BaseAddress"/>.</summary>
    public int Port => BaseAddress.Port;

    /// <summary>Number of HTTP requests that reached the application so far.</summary>
    public int RequestCount => _counter.Count;

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM) or <paramref name="ct"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // Bounded so a hung test connection cannot stall test teardown.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
