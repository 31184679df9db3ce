using Gateway.Clusters.Table;

namespace Gateway.Proxy;

/// <summary>
/// One attempt's per_try_timeout, started as Envoy's UpstreamRequest::setupPerTryTimeout is: once the upstream request
/// has its connection (onPoolReady) and the downstream request is complete. A pooled connection is taken to be ready
/// when the attempt starts; a connection the pool opens for this attempt stops the clock until it is up (TCP connect
/// and upstream TLS handshake), and a request body still arriving holds it until its end. Stopped for good once the
/// response headers arrive.
/// </summary>
internal sealed class PerTryTimer : IUpstreamConnectObserver, IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;
    private readonly object _gate = new();
    private bool _connecting;
    private bool _awaitingBody;
    private bool _stopped;

    public PerTryTimer(TimeSpan timeout, RouterRequestBody? body, CancellationToken deadline)
    {
        _timeout = timeout;
        _source = deadline.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(deadline) : new CancellationTokenSource();
        if (body is { Ended: false })
        {
            _awaitingBody = true;
            body.OnEnded = BodyEnded;
        }

        ArmIfReady();
    }

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    public void ConnectStarted()
    {
        lock (_gate)
        {
            _connecting = true;
            if (!_stopped)
            {
                _source.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void ConnectFinished()
    {
        lock (_gate)
        {
            _connecting = false;
        }

        ArmIfReady();
    }

    /// <summary>Response headers arrived: the per-try timeout no longer applies.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _stopped = true;
                _source.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _source.Dispose();
        }
    }

    private void BodyEnded()
    {
        lock (_gate)
        {
            _awaitingBody = false;
        }

        ArmIfReady();
    }

    private void ArmIfReady()
    {
        lock (_gate)
        {
            if (!_stopped && !_connecting && !_awaitingBody)
            {
                _source.CancelAfter(_timeout);
            }
        }
    }
}
