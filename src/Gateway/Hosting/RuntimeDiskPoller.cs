using Gateway.Clusters.Runtime;

namespace Gateway.Hosting;

/// <summary>
/// Re-reads layered_runtime disk layers once a second while any is configured, so a swapped
/// symlink_root (how Envoy's runtime directories are updated) takes effect without a reload.
/// </summary>
internal sealed class RuntimeDiskPoller : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RuntimeDiskPoller(LayeredRuntime runtime, TimeSpan period)
    {
        _loop = RunAsync(runtime, period, _stop.Token);
    }

    private static async Task RunAsync(LayeredRuntime runtime, TimeSpan period, CancellationToken token)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                if (runtime.HasDiskLayers)
                {
                    runtime.RefreshDiskLayers();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
