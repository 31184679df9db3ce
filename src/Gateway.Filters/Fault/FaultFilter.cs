using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Clusters.Model;
using Gateway.Clusters.Stats;
using Gateway.Clusters.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.Fault;

/// <summary>
/// Envoy's fault filter. With the most specific per-route HTTPFault (else the filter's), a request routed to
/// upstream_cluster, from one of downstream_nodes and matching the header matchers may be delayed (flag DI;
/// the request waits on the gateway's clock) and then or instead aborted with a local reply
/// <c>fault filter abort</c> (flag FI; a gRPC status gives HTTP 200 with that grpc-status). Header-controlled
/// faults read x-envoy-fault-abort-request, x-envoy-fault-abort-grpc-request, x-envoy-fault-delay-request
/// and the -percentage headers (which can only lower the configured share). At most max_active_faults run
/// at once; stats are <c>http.&lt;prefix&gt;.fault.*</c> plus per x-envoy-downstream-service-cluster.
/// </summary>
public sealed class FaultFilter : IHttpFilter, IReportsStats
{
    public const string AbortRequestHeader = "x-envoy-fault-abort-request";
    public const string AbortGrpcRequestHeader = "x-envoy-fault-abort-grpc-request";
    public const string AbortRequestPercentageHeader = "x-envoy-fault-abort-request-percentage";
    public const string DelayRequestHeader = "x-envoy-fault-delay-request";
    public const string DelayRequestPercentageHeader = "x-envoy-fault-delay-request-percentage";
    private const string DownstreamClusterHeader = "x-envoy-downstream-service-cluster";
    private const string DownstreamNodeHeader = "x-envoy-downstream-service-node";

    private static readonly byte[] AbortBody = "fault filter abort"u8.ToArray();

    private readonly FaultSettings _settings;
    private readonly TimeProvider _time;
    private readonly HttpStatPrefix _stats;
    private readonly ConcurrentDictionary<string, DownstreamClusterStats> _byDownstreamCluster = new(StringComparer.Ordinal);
    private long _delaysInjected;
    private long _abortsInjected;
    private long _faultsOverflow;
    private long _activeFaults;

    private readonly Clusters.Runtime.IRuntime? _runtime;

    public FaultFilter(string name, FaultSettings settings, string statPrefix, TimeProvider time, Clusters.Runtime.IRuntime? runtime = null)
    {
        Name = name;
        _runtime = runtime;
        _settings = settings;
        _time = time;
        _stats = new HttpStatPrefix(statPrefix);
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    public long ActiveFaults => Interlocked.Read(ref _activeFaults);

    public long DelaysInjected => Interlocked.Read(ref _delaysInjected);

    public long AbortsInjected => Interlocked.Read(ref _abortsInjected);

    public long FaultsOverflow => Interlocked.Read(ref _faultsOverflow);

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    public void ReportStats(IStatsWriter writer)
    {
        _stats.Counter(writer, "fault.delays_injected", ref _delaysInjected);
        _stats.Counter(writer, "fault.aborts_injected", ref _abortsInjected);
        _stats.Counter(writer, "fault.faults_overflow", ref _faultsOverflow);
        _stats.Gauge(writer, "fault.active_faults", Interlocked.Read(ref _activeFaults));
        foreach (var (cluster, stats) in _byDownstreamCluster)
        {
            writer.Counter(_stats.Prefix + "fault." + cluster + ".delays_injected", ref stats.DelaysInjected);
            writer.Counter(_stats.Prefix + "fault." + cluster + ".aborts_injected", ref stats.AbortsInjected);
        }
    }

    private async ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, FaultSettings settings, Stream stream)
    {
        var request = context.HttpContext.Request;
        if (!Applies(context, settings, request))
        {
            return FilterStatus.Continue;
        }

        var downstreamCluster = request.Headers[DownstreamClusterHeader].ToString();
        var clusterStats = downstreamCluster.Length > 0 && !settings.DisableDownstreamClusterStats
            ? _byDownstreamCluster.GetOrAdd(downstreamCluster, static _ => new DownstreamClusterStats())
            : null;

        if (DelayFor(settings, request) is { } delay && stream.TryStartFault())
        {
            if (clusterStats is not null)
            {
                Interlocked.Increment(ref clusterStats.DelaysInjected);
            }

            Interlocked.Increment(ref _delaysInjected);
            context.ResponseFlags = "DI";
            try
            {
                await Task.Delay(delay, _time, context.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client went away during the delay; the stream is over.
                return FilterStatus.StopIteration;
            }

            if (AbortFor(settings, request) is { } delayedAbort)
            {
                return Abort(context, delayedAbort, clusterStats);
            }

            // The delay is over and nothing else is injected: no longer an active fault.
            stream.EndFault();
            return FilterStatus.Continue;
        }

        if (AbortFor(settings, request) is { } abort && stream.TryStartFault())
        {
            return Abort(context, abort, clusterStats);
        }

        return FilterStatus.Continue;
    }

    private static bool Applies(HttpFilterContext context, FaultSettings settings, HttpRequest request)
    {
        if (settings.UpstreamCluster.Length > 0 && (context.RouteEntry?.Forward is null || context.RouteClusterName != settings.UpstreamCluster))
        {
            return false;
        }

        if (settings.DownstreamNodes.Count > 0 &&
            (!request.Headers.TryGetValue(DownstreamNodeHeader, out var node) || !settings.DownstreamNodes.Contains(node.ToString())))
        {
            return false;
        }

        if (settings.Headers.Count > 0)
        {
            var rawTarget = context.HttpContext.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            foreach (var matcher in settings.Headers)
            {
                if (!matcher.Matches(request, rawTarget))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The delay to inject, or null (Envoy delays only for more than 0 ms).</summary>
    private TimeSpan? DelayFor(FaultSettings settings, HttpRequest request)
    {
        if (settings.Delay is not { } delay)
        {
            return null;
        }

        var percentage = delay.FromHeaders ? HeaderPercentage(request, DelayRequestPercentageHeader, delay.Percentage) : delay.Percentage;
        if (!Sample(settings.RuntimeKeys.DelayPercent, percentage))
        {
            return null;
        }

        TimeSpan duration;
        if (delay.FromHeaders)
        {
            if (FirstNumber(request, DelayRequestHeader) is not { } milliseconds)
            {
                return null;
            }

            duration = TimeSpan.FromMilliseconds(milliseconds);
        }
        else
        {
            duration = delay.FixedDelay!.Value;
            if (_runtime is not null)
            {
                duration = TimeSpan.FromMilliseconds(_runtime.GetInteger(settings.RuntimeKeys.DelayDuration, (ulong)duration.TotalMilliseconds));
            }
        }

        // Envoy keeps whole milliseconds.
        duration = TimeSpan.FromMilliseconds(Math.Floor(duration.TotalMilliseconds));
        return duration > TimeSpan.Zero ? duration : null;
    }

    /// <summary>The (HTTP status, gRPC status) of the abort to inject, or null.</summary>
    private (int Http, int? Grpc)? AbortFor(FaultSettings settings, HttpRequest request)
    {
        if (settings.Abort is not { } abort)
        {
            return null;
        }

        var percentage = abort.FromHeaders ? HeaderPercentage(request, AbortRequestPercentageHeader, abort.Percentage) : abort.Percentage;
        if (!Sample(settings.RuntimeKeys.AbortPercent, percentage))
        {
            return null;
        }

        if (!abort.FromHeaders)
        {
            if (abort.HttpStatus is { } fixedHttp)
            {
                // A runtime status outside [200, 600) is ignored, as Envoy's.
                var status = _runtime?.GetInteger(settings.RuntimeKeys.AbortHttpStatus, (ulong)fixedHttp) ?? (ulong)fixedHttp;
                return (status is >= 200 and < 600 ? (int)status : fixedHttp, null);
            }

            return (StatusCodes.Status200OK, abort.GrpcStatus);
        }

        if (FirstNumber(request, AbortRequestHeader) is { } code && code is >= 200 and < 600)
        {
            return ((int)code, null);
        }

        if (FirstNumber(request, AbortGrpcRequestHeader) is { } grpc && grpc <= int.MaxValue)
        {
            return (StatusCodes.Status200OK, (int)grpc);
        }

        return null;
    }

    private FilterStatus Abort(HttpFilterContext context, (int Http, int? Grpc) abort, DownstreamClusterStats? clusterStats)
    {
        if (clusterStats is not null)
        {
            Interlocked.Increment(ref clusterStats.AbortsInjected);
        }

        Interlocked.Increment(ref _abortsInjected);
        Action<IHeaderDictionary>? grpcStatus = null;
        if (abort.Grpc is { } grpc)
        {
            var value = grpc.ToString(CultureInfo.InvariantCulture);
            // Only a gRPC request's reply carries grpc-status (set by the local reply); Envoy puts the given one there.
            grpcStatus = headers =>
            {
                if (headers.ContainsKey("grpc-status"))
                {
                    headers["grpc-status"] = value;
                }
            };
        }

        var flags = context.ResponseFlags == "DI" ? "DI,FI" : "FI";
        return context.SendLocalReply(new LocalReplyData(abort.Http, AbortBody, "fault_filter_abort", flags, grpcStatus));
    }

    /// <summary>Envoy's HeaderPercentageProvider: the header's numerator, never above the configured one, over the configured denominator.</summary>
    private static FractionalPercentConfig HeaderPercentage(HttpRequest request, string header, FractionalPercentConfig configured) =>
        FirstNumber(request, header) is { } numerator && numerator <= uint.MaxValue
            ? configured with { Numerator = (uint)Math.Min(numerator, configured.Numerator) }
            : configured;

    /// <summary>The first value of an (untrusted) header as an unsigned number, as Envoy's SimpleAtoi.</summary>
    private static ulong? FirstNumber(HttpRequest request, string header)
    {
        var values = request.Headers[header];
        return values.Count > 0 && ulong.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <summary>The fault's percentage drawn against the runtime's value of <paramref name="runtimeKey"/> when it has one.</summary>
    private bool Sample(string runtimeKey, FractionalPercentConfig percentage) =>
        _runtime.IsEnabled(percentage, runtimeKey);

    /// <summary>Envoy's tryIncActiveFaults: one active fault per request at most; refused (faults_overflow) at max_active_faults (runtime may override).</summary>
    private bool TryStartFault(FaultSettings settings)
    {
        var limit = _runtime is null ? settings.MaxActiveFaults : _runtime.GetInteger(settings.RuntimeKeys.MaxActiveFaults, settings.MaxActiveFaults ?? ulong.MaxValue);
        if (limit is { } max && (ulong)Interlocked.Read(ref _activeFaults) >= max)
        {
            Interlocked.Increment(ref _faultsOverflow);
            return false;
        }

        Interlocked.Increment(ref _activeFaults);
        return true;
    }

    private void EndFault() => Interlocked.Decrement(ref _activeFaults);

    private sealed class DownstreamClusterStats
    {
        public long DelaysInjected;
        public long AbortsInjected;
    }

    /// <summary>One request: whether it holds an active fault (released when it ends).</summary>
    private sealed class Stream : HttpStreamFilter
    {
        private readonly FaultFilter _filter;
        private FaultSettings? _settings;
        private bool _faultActive;

        public Stream(FaultFilter filter)
        {
            _filter = filter;
        }

        public bool TryStartFault()
        {
            if (_faultActive)
            {
                return true;
            }

            _faultActive = _filter.TryStartFault(_settings!);
            return _faultActive;
        }

        public void EndFault()
        {
            if (_faultActive)
            {
                _faultActive = false;
                _filter.EndFault();
            }
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            _settings = context.PerRouteSettings<FaultSettings>(_filter.Name) ?? _filter._settings;
            return _filter.OnRequestHeadersAsync(context, _settings, this);
        }

        public override void OnStreamComplete(HttpFilterContext context) => EndFault();
    }
}
