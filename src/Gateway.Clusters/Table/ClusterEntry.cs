using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Clusters.Health;
using Gateway.Clusters.LoadBalancing;
using Gateway.Clusters.Model;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Stats;

namespace Gateway.Clusters.Table;

/// <summary>
/// The runtime of one envoy.yaml cluster: one connection pool (its own SocketsHttpHandler built from
/// connect_timeout, protocol and TLS options), its endpoints and load balancer, and its stats. The
/// router and the http-call filter both send through this entry, so a cluster means one pool and one
/// set of counters whichever of them uses it, as in Envoy.
/// </summary>
public sealed class ClusterEntry : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly ILoadBalancer _loadBalancer;
    private EndpointSet _endpoints;
    private CancellationTokenSource? _dnsRefresh;
    private SslClientAuthenticationOptions? _sniTls;
    private int _started;

    public ClusterEntry(ClusterConfig config)
    {
        Config = config;
        Name = config.Name;
        UsesTls = config.Tls is not null;
        _loadBalancer = config.LbPolicy switch
        {
            LbPolicy.LeastRequest => new LeastRequestLoadBalancer(),
            LbPolicy.Random => new RandomLoadBalancer(),
            _ => new RoundRobinLoadBalancer(),
        };
        (RequestVersion, VersionPolicy) = config.Protocol switch
        {
            UpstreamProtocol.Http2 => (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            UpstreamProtocol.Auto => (HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
            UpstreamProtocol.UseDownstream when config.Tls is not null => (HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
            _ => (HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower),
        };
        _handler = CreateHandler(config);
        Invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
        _endpoints = config.Type == DiscoveryType.StrictDns
            ? EndpointSet.Empty
            : new EndpointSet(config.Endpoints.Select(e => UpstreamEndpoint.From(e, e.Address, UsesTls, e.Hostname ?? (config.Type == DiscoveryType.LogicalDns ? e.Address : null))).ToArray(),
                config.HealthyPanicThreshold, config.OverprovisioningFactor);
        CircuitBreaker = new CircuitBreaker(config.CircuitBreakers, config.Protocol, Stats);
        Outlier = config.OutlierDetection is { } outlier ? new OutlierDetector(this, outlier) : null;
        HealthChecker = config.HealthCheck is { } check ? new HttpHealthChecker(this, check) : null;
    }

    private string? _canonicalConfig;

    /// <summary>
    /// The config in a canonical text form: equal text means a reload can keep this entry. Computed on
    /// the first reload, not at start-up (serialising it costs tens of milliseconds of JIT on a cold start).
    /// </summary>
    public string CanonicalConfig => _canonicalConfig ??= ClusterConfigCanonicalForm.Of(Config);

    /// <summary>circuit_breakers.thresholds; the router and the http-call callout both pass through it.</summary>
    public CircuitBreaker CircuitBreaker { get; }

    /// <summary>outlier_detection, or null when the cluster has none.</summary>
    public OutlierDetector? Outlier { get; }

    /// <summary>The active HTTP health checker, or null when the cluster has none.</summary>
    public HttpHealthChecker? HealthChecker { get; }

    /// <summary>
    /// The circuit breaker gate. On <see cref="RequestAdmission.Admitted"/> the caller owns a slot and
    /// must call <see cref="ExitRequest"/> once the request ends; on overflow answer 503 with
    /// <c>x-envoy-overloaded: true</c> (flag UO) and do not call ExitRequest.
    /// </summary>
    public RequestAdmission TryEnterRequest() => CircuitBreaker.TryEnterRequest();

    /// <summary>
    /// The circuit breaker gate as a lease: on <see cref="RequestAdmission.Admitted"/>, <paramref name="call"/>
    /// holds the slot until disposed; on overflow it is empty (nothing to dispose) and the caller answers
    /// 503 with <c>x-envoy-overloaded: true</c> (flag UO). Every caller of a cluster goes through here.
    /// </summary>
    public RequestAdmission TryBeginCall(out ClusterCall call)
    {
        var admission = CircuitBreaker.TryEnterRequest();
        call = admission == RequestAdmission.Admitted ? new ClusterCall(this) : default;
        return admission;
    }

    public void ExitRequest() => CircuitBreaker.ExitRequest();

    /// <summary>
    /// Tells outlier detection how an attempt to <paramref name="endpoint"/> ended (a status from the
    /// upstream, or a local failure before headers). Cheap no-op without outlier_detection.
    /// </summary>
    public void ReportOutcome(UpstreamEndpoint endpoint, UpstreamOutcome outcome, int status) =>
        Outlier?.Report(endpoint, outcome, status);

    /// <summary>
    /// Records response headers received from <paramref name="endpoint"/>: the cluster's status
    /// counters, the host's success or error count, and outlier detection. The router and the
    /// http-call callout both report through here, so both count alike.
    /// </summary>
    public void RecordResponse(UpstreamEndpoint endpoint, int status)
    {
        Stats.RecordStatus(status);
        Interlocked.Increment(ref status >= 500 ? ref endpoint.Stats.RqError : ref endpoint.Stats.RqSuccess);
        Outlier?.Report(endpoint, UpstreamOutcome.Response, status);
    }

    public string Name { get; }

    public ClusterConfig Config { get; }

    public bool UsesTls { get; }

    /// <summary>The cluster's pool; YARP's forwarder and the callout client both send through it.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>The same pool as a handler, for HttpClient-based callers (the http-call filter).</summary>
    public HttpMessageHandler Handler => _handler;

    public Version RequestVersion { get; }

    /// <summary>Which of a route's forwarder configs (by <see cref="UpstreamProtocol"/>) a request uses; USE_DOWNSTREAM_PROTOCOL follows the request's version.</summary>
    public int ForwarderConfigIndex(bool downstreamHttp2) => Config.Protocol switch
    {
        UpstreamProtocol.UseDownstream when Config.Tls is not null => (int)UpstreamProtocol.Auto,
        UpstreamProtocol.UseDownstream => downstreamHttp2 ? (int)UpstreamProtocol.Http2 : (int)UpstreamProtocol.Http1,
        var protocol => (int)protocol,
    };

    public HttpVersionPolicy VersionPolicy { get; }

    public ClusterStats Stats { get; } = new();

    public EndpointSet Endpoints => Volatile.Read(ref _endpoints);

    /// <summary>Chooses an upstream endpoint, or null when none is healthy (Envoy's "no healthy upstream").</summary>
    public UpstreamEndpoint? PickEndpoint()
    {
        var hosts = Choose();
        return hosts.Length == 0 ? null : _loadBalancer.Pick(hosts);
    }

    /// <summary>The priority's hosts this pick balances over (Envoy's priority load and panic), counting <c>lb_healthy_panic</c>.</summary>
    private UpstreamEndpoint[] Choose()
    {
        var hosts = Volatile.Read(ref _endpoints).Choose(out var panic);
        if (panic)
        {
            Interlocked.Increment(ref Stats.LbHealthyPanic);
        }

        return hosts;
    }

    /// <summary>
    /// A retry's pick with retry_host_predicate (Envoy's LoadBalancerBase::chooseHost): up to
    /// <paramref name="reselections"/> + 1 picks while <paramref name="reject"/> turns the host down, then the last one
    /// picked even if rejected; null when none is healthy.
    /// </summary>
    public UpstreamEndpoint? PickEndpoint(Func<UpstreamEndpoint, bool> reject, int reselections)
    {
        var hosts = Choose();
        if (hosts.Length == 0)
        {
            return null;
        }

        var host = _loadBalancer.Pick(hosts);
        for (var i = 0; i < reselections && reject(host); i++)
        {
            host = _loadBalancer.Pick(hosts);
        }

        return host;
    }

    /// <summary>
    /// Counts a request to <paramref name="endpoint"/> as sent: <c>upstream_rq_total</c>/<c>_active</c> of
    /// the cluster, <c>rq_total</c>/<c>rq_active</c> of the host (also what least-request balancing
    /// reads). Pair every call with <see cref="EndUpstreamRequest"/>.
    /// </summary>
    public void BeginUpstreamRequest(UpstreamEndpoint endpoint)
    {
        Interlocked.Increment(ref Stats.UpstreamRqTotal);
        Interlocked.Increment(ref Stats.UpstreamRqActive);
        Interlocked.Increment(ref endpoint.Stats.RqTotal);
        Interlocked.Increment(ref endpoint.Stats.RqActive);
    }

    /// <summary>The request <see cref="BeginUpstreamRequest"/> counted is over (answered or failed).</summary>
    public void EndUpstreamRequest(UpstreamEndpoint endpoint)
    {
        Interlocked.Decrement(ref Stats.UpstreamRqActive);
        Interlocked.Decrement(ref endpoint.Stats.RqActive);
    }

    /// <summary>Rebuilds the pick arrays after an endpoint's health changed.</summary>
    public void RefreshHealth() => Volatile.Write(ref _endpoints, Volatile.Read(ref _endpoints).WithCurrentHealth());

    /// <summary>
    /// Starts DNS resolution for STRICT_DNS clusters and the active health checker; returns once the first
    /// round is done or <paramref name="wait"/> elapses.
    /// </summary>
    /// <remarks>Idempotent: an entry a reload kept is already running.</remarks>
    public async Task StartAsync(TimeSpan wait)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        if (Config.Type == DiscoveryType.StrictDns)
        {
            _dnsRefresh = new CancellationTokenSource();
            var first = ResolveAsync(_dnsRefresh.Token);
            _ = RefreshLoopAsync(first, _dnsRefresh.Token);
            await Task.WhenAny(first, Task.Delay(wait)).ConfigureAwait(false);
        }

        if (HealthChecker is not null)
        {
            await Task.WhenAny(HealthChecker.StartAsync(), Task.Delay(wait)).ConfigureAwait(false);
        }
    }

    private async Task RefreshLoopAsync(Task first, CancellationToken token)
    {
        try
        {
            await first.ConfigureAwait(false);
            using var timer = new PeriodicTimer(Config.DnsRefreshRate);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                await ResolveAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ResolveAsync(CancellationToken token)
    {
        var resolved = new List<UpstreamEndpoint>();
        var previous = Volatile.Read(ref _endpoints).All.ToDictionary(e => e.Address);
        foreach (var endpoint in Config.Endpoints)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(endpoint.Address, out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(endpoint.Address, AddressFamilyOf(Config.DnsLookupFamily), token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Envoy keeps the last good hosts when a refresh fails; with none yet the cluster stays empty.
                resolved.AddRange(previous.Values.Where(e => Config.Endpoints.Any(c => c.Port == e.Port)));
                continue;
            }

            foreach (var address in addresses.Distinct())
            {
                var candidate = UpstreamEndpoint.From(endpoint, address.ToString(), UsesTls, endpoint.Hostname ?? endpoint.Address);
                // Keep the existing object (its stats and health) when the address is unchanged.
                resolved.Add(previous.TryGetValue(candidate.Address, out var existing) ? existing : candidate);
            }
        }

        var current = Volatile.Read(ref _endpoints).All;
        if (!current.Select(e => e.Address).SequenceEqual(resolved.Select(e => e.Address)))
        {
            Volatile.Write(ref _endpoints, new EndpointSet(resolved.DistinctBy(e => e.Address).ToArray(), Config.HealthyPanicThreshold, Config.OverprovisioningFactor));
        }
    }

    private static AddressFamily AddressFamilyOf(DnsLookupFamily family) => family switch
    {
        DnsLookupFamily.V4Only => AddressFamily.InterNetwork,
        DnsLookupFamily.V6Only => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unspecified,
    };

    private SocketsHttpHandler CreateHandler(ClusterConfig config)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = config.ConnectTimeout,
            PooledConnectionIdleTimeout = config.IdleTimeout ?? TimeSpan.FromHours(1),
            MaxConnectionsPerServer = Math.Max(1, config.CircuitBreakers.MaxConnections),
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            ConnectCallback = ConnectAsync,
            PlaintextStreamFilter = ConnectionReady,
            // Envoy passes header bytes through; UTF-8 keeps non-ASCII values (e.g. an injected
            // callout body) instead of failing the request.
            RequestHeaderEncodingSelector = static (_, _) => System.Text.Encoding.UTF8,
            ResponseHeaderEncodingSelector = static (_, _) => System.Text.Encoding.UTF8,
        };
        if (config.Tls is { } tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = tls.Sni,
                ApplicationProtocols = tls.AlpnProtocols.Count > 0
                    ? tls.AlpnProtocols.Select(p => new SslApplicationProtocol(p)).ToList()
                    : null,
                RemoteCertificateValidationCallback = CreateValidator(tls),
                EnabledSslProtocols = tls.Protocols,
                ClientCertificateContext = ClientCertificate(tls),
            };
            {
                // SocketsHttpHandler ignores SslOptions.TargetHost and sends the Host header as SNI. Envoy
                // sends the configured sni, and no SNI at all without one; so the handshake is done in
                // ConnectAsync (the handler uses a returned SslStream as is), which means ALPN is chosen
                // here too.
                _sniTls = new SslClientAuthenticationOptions
                {
                    TargetHost = tls.Sni ?? "",
                    RemoteCertificateValidationCallback = handler.SslOptions.RemoteCertificateValidationCallback,
                    EnabledSslProtocols = tls.Protocols,
                    ClientCertificateContext = handler.SslOptions.ClientCertificateContext,
                    ApplicationProtocols = handler.SslOptions.ApplicationProtocols ?? config.Protocol switch
                    {
                        UpstreamProtocol.Http2 => [SslApplicationProtocol.Http2],
                        UpstreamProtocol.Auto or UpstreamProtocol.UseDownstream => [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                        _ => [SslApplicationProtocol.Http11],
                    },
                };
            }
        }

        return handler;
    }

    /// <summary>
    /// Envoy verifies an upstream certificate only when a validation context is given (its CA and SAN
    /// matchers, never the SNI name); without one it accepts any certificate. The same choice is made here
    /// so configs behave as they did on Envoy.
    /// </summary>
    private static RemoteCertificateValidationCallback CreateValidator(UpstreamTlsConfig tls)
    {
        if (tls.Validation is not { } validation)
        {
            return static (_, _, _, _) => true;
        }

        var validator = new Tls.PeerCertificateValidator(validation);
        return (_, certificate, chain, _) => validator.Verify(certificate, chain);
    }

    /// <summary>The client certificate of tls_certificates, made once per cluster; null when none is configured.</summary>
    private static SslStreamCertificateContext? ClientCertificate(UpstreamTlsConfig tls) =>
        tls.ClientCertificateChainPem is { } chain && tls.ClientPrivateKeyPem is { } key
            ? SslStreamCertificateContext.Create(X509Certificate2.CreateFromPem(chain, key), additionalCertificates: null, offline: true)
            : null;

    /// <summary>Opens upstream connections, counting them per cluster and per host as Envoy does.</summary>
    private ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken token) =>
        context.InitialRequestMessage.Options.TryGetValue(IUpstreamConnectObserver.OptionKey, out var observer)
            ? ObservedConnectAsync(context, observer, token)
            : OpenAsync(context.DnsEndPoint, FindEndpoint(context.DnsEndPoint)?.Stats, token);

    /// <summary>
    /// A connection opened for a request whose router watches it (a per-try timeout that excludes connect time). It is
    /// ready once <see cref="ConnectionReady"/> sees it, after the handler's own TLS handshake when it makes one.
    /// </summary>
    private async ValueTask<Stream> ObservedConnectAsync(SocketsHttpConnectionContext context, IUpstreamConnectObserver observer, CancellationToken token)
    {
        observer.ConnectStarted();
        try
        {
            return await OpenAsync(context.DnsEndPoint, FindEndpoint(context.DnsEndPoint)?.Stats, token).ConfigureAwait(false);
        }
        catch
        {
            observer.ConnectFinished();
            throw;
        }
    }

    /// <summary>The connection is usable (TCP up, TLS done): Envoy's onPoolReady for the request it was opened for.</summary>
    private static ValueTask<Stream> ConnectionReady(SocketsHttpPlaintextStreamFilterContext context, CancellationToken token)
    {
        if (context.InitialRequestMessage.Options.TryGetValue(IUpstreamConnectObserver.OptionKey, out var observer))
        {
            observer.ConnectFinished();
        }

        return new ValueTask<Stream>(context.PlaintextStream);
    }

    /// <summary>
    /// A raw connection to <paramref name="endpoint"/> for tcp_proxy: counted as the pool's are
    /// (<c>upstream_cx_total</c>, <c>_active</c> until disposed, <c>_connect_fail</c>, per host too), bounded
    /// by connect_timeout, with the cluster's upstream TLS handshake when it has one. The caller holds a
    /// <see cref="Resilience.CircuitBreaker.TryEnterConnection"/> slot around it.
    /// </summary>
    public async ValueTask<Stream> ConnectStreamAsync(UpstreamEndpoint endpoint, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(Config.ConnectTimeout);
        EndPoint target = IPAddress.TryParse(endpoint.Host, out var ip) ? new IPEndPoint(ip, endpoint.Port) : new DnsEndPoint(endpoint.Host, endpoint.Port);
        return await OpenAsync(target, endpoint.Stats, timeout.Token).ConfigureAwait(false);
    }

    private async ValueTask<Stream> OpenAsync(EndPoint target, EndpointStats? endpointStats, CancellationToken token)
    {
        Interlocked.Increment(ref Stats.UpstreamCxTotal);
        if (endpointStats is not null)
        {
            Interlocked.Increment(ref endpointStats.CxTotal);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            Interlocked.Increment(ref Stats.UpstreamCxConnectFail);
            if (endpointStats is not null)
            {
                Interlocked.Increment(ref endpointStats.CxConnectFail);
            }

            throw;
        }

        var stream = new CountingNetworkStream(socket, Stats, endpointStats);
        if (_sniTls is null)
        {
            return stream;
        }

        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(_sniTls, token).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return ssl;
    }

    private UpstreamEndpoint? FindEndpoint(DnsEndPoint target)
    {
        foreach (var endpoint in Volatile.Read(ref _endpoints).All)
        {
            if (endpoint.Port == target.Port && string.Equals(endpoint.Host, target.Host, StringComparison.OrdinalIgnoreCase))
            {
                return endpoint;
            }
        }

        return null;
    }

    public void Dispose()
    {
        _dnsRefresh?.Cancel();
        _dnsRefresh?.Dispose();
        HealthChecker?.Dispose();
        Outlier?.Dispose();
        Invoker.Dispose();
        _handler.Dispose();
    }
}
