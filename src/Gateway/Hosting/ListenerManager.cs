using System.Net;
using System.Net.Sockets;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// The host's <see cref="IServer"/>: one <see cref="ListenerServer"/> (own Kestrel server) per
/// envoy.yaml listener plus the admin one, started in parallel. On reload it reconciles them with
/// the new config by listener name and binding (address, port, codec, TLS): new listeners are
/// bound, removed ones stop accepting and drain, changed ones are bound anew and the old socket
/// drains; unchanged ones are not touched, so their connections stay.
/// </summary>
internal sealed partial class ListenerManager : IServer
{
    private readonly IServiceProvider _services;
    private readonly IConnectionListenerFactory _transport;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly List<Task> _draining = [];
    private ListenerServer[] _servers = [];
    private Func<ListenerServer, CancellationToken, Task>? _start;
    private volatile bool _stopping;
    private GatewaySnapshot? _current;

    public ListenerManager(IServiceProvider services, IConnectionListenerFactory transport, ILoggerFactory loggerFactory)
    {
        _services = services;
        _transport = transport;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("main");
    }

    /// <summary>How long a removed or rebound listener lets its in-flight requests finish before closing them.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Hosting reads server addresses from here; the bound ports are in <see cref="Slots"/>.</summary>
    public IFeatureCollection Features { get; } = new FeatureCollection();

    /// <summary>The listeners being served now (not those draining), admin included.</summary>
    public IReadOnlyList<ListenerSlot> Slots => Array.ConvertAll(Volatile.Read(ref _servers), s => s.Slot);

    /// <summary>Sets what <see cref="StartAsync"/> binds: the config's listeners and the admin address.</summary>
    public void Configure(BootstrapConfig config, GatewaySnapshot snapshot, Admin.AdminHandler admin)
    {
        Volatile.Write(ref _current, snapshot);
        var servers = config.Listeners.Select(NewServer).ToList();
        foreach (var server in servers)
        {
            server.Slot.Stats = StatsOf(snapshot, server.Slot.Name);
        }

        if (config.Admin is { } adminConfig && IPAddress.TryParse(adminConfig.Address.Address, out var adminIp))
        {
            var server = ListenerServer.ForAdmin(adminIp, adminConfig.Address.Port, _services, _transport, _loggerFactory);
            server.Slot.Stats = admin.Stats;
            servers.Add(server);
        }

        _servers = [.. servers];
    }

    private ListenerServer NewServer(ListenerConfig listener) =>
        ListenerServer.ForListener(listener, _services, _transport, _loggerFactory, () => Volatile.Read(ref _current));

    /// <summary>The listener-level downstream_cx_* counters: the HCM's for an HTTP listener, the network listener's own otherwise.</summary>
    private static Proxy.HttpConnectionManagerStats? StatsOf(GatewaySnapshot snapshot, string name) =>
        snapshot.Listeners.GetValueOrDefault(name)?.Stats ?? snapshot.NetworkListeners.GetValueOrDefault(name)?.Stats.Connections;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _start = (server, token) => server.Kestrel.StartAsync(application, token);
        var servers = _servers;
        try
        {
            // In parallel: each bind is a socket plus Kestrel's start-up, and they do not depend on each other.
            await Task.WhenAll(servers.Select(s => StartOrExplainAsync(s, cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            await Task.WhenAll(servers.Select(s => StopQuietlyAsync(s, CancellationToken.None))).ConfigureAwait(false);
            throw;
        }

        foreach (var server in servers)
        {
            Log.Listening(_logger, server.Slot.IsAdmin ? "admin" : "listener", server.Slot.Name, server.Slot.ListenOptions?.IPEndPoint?.ToString() ?? "?");
        }
    }

    /// <summary>Starts one server; a bind failure becomes a <see cref="ListenerBindException"/> naming the listener, address and fix.</summary>
    private async Task StartOrExplainAsync(ListenerServer server, CancellationToken cancellationToken)
    {
        try
        {
            await _start!(server, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ListenerBindException.SocketErrorOf(e) is { } error)
        {
            throw new ListenerBindException(server.Slot.Name, server.Slot.IsAdmin, server.Slot.ListenOptions?.IPEndPoint, error, e);
        }
    }

    /// <summary>
    /// Makes the bound listeners match <paramref name="snapshot"/> (already current, so a new listener
    /// serves its config from its first request). Returns one line per listener that could not be
    /// bound (it is left out; the others apply).
    /// </summary>
    public async Task<IReadOnlyList<string>> ReconcileAsync(GatewaySnapshot snapshot)
    {
        var start = _start ?? throw new InvalidOperationException("the listeners have not been started");
        Volatile.Write(ref _current, snapshot);
        var current = Volatile.Read(ref _servers);
        var keep = new List<ListenerServer>();
        var stop = new List<ListenerServer>();
        var wanted = snapshot.Config.Listeners.ToDictionary(l => l.Name, StringComparer.Ordinal);
        foreach (var server in current)
        {
            if (server.Slot.IsAdmin
                || (wanted.TryGetValue(server.Slot.Name, out var listener) && ListenerServer.BindingOf(listener) == server.Binding))
            {
                keep.Add(server);
            }
            else
            {
                stop.Add(server);
            }
        }

        var kept = keep.Where(s => !s.Slot.IsAdmin).Select(s => s.Slot.Name).ToHashSet(StringComparer.Ordinal);
        var added = snapshot.Config.Listeners.Where(l => !kept.Contains(l.Name)).ToList();

        // New sockets first, so a moved listener serves on its new port before the old one closes. A
        // port still held by a listener that goes (same port, new codec or TLS; or ports swapped) binds
        // once that one has unbound.
        var attempts = await Task.WhenAll(added.Select(l => TryBindAsync(start, l, snapshot))).ConfigureAwait(false);
        var started = attempts.Where(a => a.Server is not null).Select(a => a.Server!).ToList();
        var failures = attempts.Where(a => a.Error is not null).Select(a => a.Error!).ToList();
        var retry = added.Where((_, i) => attempts[i].InUse).ToList();

        // A changed listener whose new socket cannot be bound at all keeps its old one (serving the new config).
        var failedNames = added.Where((_, i) => attempts[i].Error is not null).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var server in stop.Where(s => failedNames.Contains(s.Slot.Name)).ToList())
        {
            stop.Remove(server);
            keep.Add(server);
        }

        var drains = stop.Select(DrainAsync).ToList();
        lock (_draining)
        {
            _draining.RemoveAll(t => t.IsCompleted);
            _draining.AddRange(drains);
        }

        foreach (var server in stop)
        {
            Log.Stopped(_logger, server.Slot.Name, server.Slot.ListenOptions?.IPEndPoint?.ToString() ?? "?");
        }

        var unbound = Task.WhenAll(drains);
        var retried = await Task.WhenAll(retry.Select(async listener =>
        {
            while (true)
            {
                var finalTry = unbound.IsCompleted;
                var attempt = await TryBindAsync(start, listener, snapshot).ConfigureAwait(false);
                if (!attempt.InUse)
                {
                    return attempt;
                }

                if (finalTry)
                {
                    return attempt with { Error = $"listener '{listener.Name}' could not bind {listener.Address}: the address is in use" };
                }

                await Task.WhenAny(unbound, Task.Delay(20)).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        started.AddRange(retried.Where(a => a.Server is not null).Select(a => a.Server!));
        failures.AddRange(retried.Where(a => a.Error is not null).Select(a => a.Error!));

        foreach (var server in started)
        {
            Log.Listening(_logger, "listener", server.Slot.Name, server.Slot.ListenOptions?.IPEndPoint?.ToString() ?? "?");
        }

        foreach (var failure in failures)
        {
            Log.BindFailed(_logger, failure);
        }

        // Config order, admin last, as at start.
        var order = snapshot.Config.Listeners.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        if (_stopping)
        {
            // The host began shutting down while this reload bound sockets: they close with it.
            await Task.WhenAll(started.Select(s => StopQuietlyAsync(s, CancellationToken.None))).ConfigureAwait(false);
            return failures;
        }

        Volatile.Write(ref _servers, [.. keep.Concat(started).OrderBy(s => s.Slot.IsAdmin ? int.MaxValue : order.GetValueOrDefault(s.Slot.Name, int.MaxValue - 1))]);
        foreach (var server in _servers)
        {
            if (!server.Slot.IsAdmin)
            {
                SetBoundPort(snapshot, server.Slot);
            }
        }

        return failures;
    }

    /// <summary>
    /// Binds a new server for <paramref name="listener"/>. InUse: its address is taken (it may free up
    /// when a listener that goes unbinds); Kestrel disposes a server whose start failed, so each try is
    /// a new one.
    /// </summary>
    private async Task<BindAttempt> TryBindAsync(Func<ListenerServer, CancellationToken, Task> start, ListenerConfig listener, GatewaySnapshot snapshot)
    {
        var server = NewServer(listener);
        server.Slot.Stats = StatsOf(snapshot, listener.Name);
        try
        {
            await start(server, CancellationToken.None).ConfigureAwait(false);
            return new BindAttempt(server, false, null);
        }
        catch (Exception e) when (e is AddressInUseException || e.InnerException is AddressInUseException)
        {
            server.Dispose();
            return new BindAttempt(null, true, null);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            server.Dispose();
            return new BindAttempt(null, false, $"listener '{listener.Name}' could not bind {listener.Address}: {e.Message}");
        }
    }

    private readonly record struct BindAttempt(ListenerServer? Server, bool InUse, string? Error);

    private async Task DrainAsync(ListenerServer server)
    {
        using var timeout = new CancellationTokenSource(DrainTimeout);
        await StopQuietlyAsync(server, timeout.Token).ConfigureAwait(false);
    }

    private async Task StopQuietlyAsync(ListenerServer server, CancellationToken cancellationToken)
    {
        try
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            Log.StopFailed(_logger, server.Slot.Name, e.Message);
        }
        finally
        {
            server.Dispose();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var servers = Volatile.Read(ref _servers);
        Task[] draining;
        lock (_draining)
        {
            draining = [.. _draining];
        }

        await Task.WhenAll(servers.Select(s => StopQuietlyAsync(s, cancellationToken)).Concat(draining)).ConfigureAwait(false);
    }

    /// <summary>Tells the HTTP runtimes of <paramref name="slot"/>'s listener (one per HCM chain) the port bound.</summary>
    internal static void SetBoundPort(GatewaySnapshot snapshot, ListenerSlot slot)
    {
        foreach (var runtime in snapshot.Listeners.Values)
        {
            if (runtime.Name == slot.Name)
            {
                runtime.BoundPort = slot.BoundPort;
            }
        }
    }

    public void Dispose()
    {
        foreach (var server in Volatile.Read(ref _servers))
        {
            server.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Kind} '{Name}' listening on {Address}")]
        public static partial void Listening(ILogger logger, string kind, string name, string address);

        [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "listener '{Name}' on {Address} removed or rebound: no longer accepting, draining its connections")]
        public static partial void Stopped(ILogger logger, string name, string address);

        [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "{Failure}")]
        public static partial void BindFailed(ILogger logger, string failure);

        [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "listener '{Name}' did not stop cleanly: {Reason}")]
        public static partial void StopFailed(ILogger logger, string name, string reason);
    }
}
