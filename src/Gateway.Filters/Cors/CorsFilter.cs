using Gateway.Clusters.Runtime;
using System.Runtime.CompilerServices;
using Gateway.Clusters.Model;
using Gateway.Clusters.Stats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.Cors;

/// <summary>
/// Envoy's CORS filter. On a route (not a direct response or redirect) with an enabled policy, a request
/// with an Origin is counted as origin_valid/origin_invalid; a preflight (OPTIONS with Origin and
/// Access-Control-Request-Method) is answered here with 200 and the allow-* headers (or forwarded when the
/// origin does not match and forward_not_matching_preflights is not false); other responses get
/// access-control-allow-origin (the request's origin), -allow-credentials and -expose-headers when the
/// origin matched. In shadow mode only the counters move. Each setting comes from the most specific
/// policy that sets it: the typed_per_filter_config ones (weighted cluster or route table, route, virtual
/// host), or, when none exists, the legacy <c>cors</c> of the route action, then of the virtual host.
/// </summary>
public sealed class CorsFilter : IHttpFilter, IReportsStats
{
    private const string OriginHeader = "origin";
    private const string RequestMethodHeader = "access-control-request-method";
    private const string RequestHeadersHeader = "access-control-request-headers";
    private const string RequestPrivateNetworkHeader = "access-control-request-private-network";
    private const string AllowOriginHeader = "access-control-allow-origin";
    private const string AllowCredentialsHeader = "access-control-allow-credentials";
    private const string AllowMethodsHeader = "access-control-allow-methods";
    private const string AllowHeadersHeader = "access-control-allow-headers";
    private const string MaxAgeHeader = "access-control-max-age";
    private const string ExposeHeadersHeader = "access-control-expose-headers";
    private const string AllowPrivateNetworkHeader = "access-control-allow-private-network";

    private static readonly StringValues True = new("true");

    // The legacy route-level policies are model records; compiled once each, on first use.
    private static readonly ConditionalWeakTable<CorsPolicyConfig, CorsPolicy> LegacyPolicies = new();

    private readonly HttpStatPrefix _stats;
    private long _originValid;
    private long _originInvalid;

    private readonly IRuntime? _runtime;

    public CorsFilter(string name, string statPrefix, IRuntime? runtime = null)
    {
        Name = name;
        _runtime = runtime;
        _stats = new HttpStatPrefix(statPrefix);
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders;

    public long OriginValid => Interlocked.Read(ref _originValid);

    public long OriginInvalid => Interlocked.Read(ref _originInvalid);

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    public void ReportStats(IStatsWriter writer)
    {
        _stats.Counter(writer, "cors.origin_valid", ref _originValid);
        _stats.Counter(writer, "cors.origin_invalid", ref _originInvalid);
    }

    /// <summary>The policies in force, most specific first (Envoy's getAllPerFilterConfig reversed, or the legacy fields).</summary>
    private int CollectPolicies(HttpFilterContext context, CorsPolicy?[] policies)
    {
        var count = 0;
        void Add(CorsPolicy? policy)
        {
            if (policy is not null && Array.IndexOf(policies, policy, 0, count) < 0)
            {
                policies[count++] = policy;
            }
        }

        Add(context.PerRouteSettings<CorsPolicy>(Name));
        Add(Own(context.RouteEntry?.TypedPerFilterConfig));
        Add(Own(context.VirtualHost?.TypedPerFilterConfig));
        if (count == 0)
        {
            if (context.RouteEntry?.Forward?.Cors is { } routeCors)
            {
                Add(LegacyPolicies.GetValue(routeCors, static c => new CorsPolicy(c)));
            }

            if (context.VirtualHost?.Cors is { } hostCors)
            {
                Add(LegacyPolicies.GetValue(hostCors, static c => new CorsPolicy(c)));
            }
        }

        return count;
    }

    private CorsPolicy? Own(IReadOnlyDictionary<string, PerFilterConfig>? configs) =>
        configs is { Count: > 0 } && configs.TryGetValue(Name, out var entry) ? entry.Settings as CorsPolicy : null;

    /// <summary>One request: its policies, whether it is a CORS request, and the origin that matched.</summary>
    private sealed class Stream : HttpStreamFilter
    {
        private readonly CorsFilter _filter;
        private readonly CorsPolicy?[] _policies = new CorsPolicy?[3];
        private int _count;
        private bool _isCorsRequest;
        private string? _latchedOrigin;

        public Stream(CorsFilter filter)
        {
            _filter = filter;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            // Envoy's routeEntry() is null for direct responses and redirects: the filter does nothing there.
            if (context.RouteEntry?.Forward is null)
            {
                return Continue;
            }

            _count = _filter.CollectPolicies(context, _policies);
            var enabled = _count > 0 && _policies[0]!.Enabled(_filter._runtime);
            var shadow = _count > 0 && _policies[0]!.ShadowEnabled(_filter._runtime);
            if (!enabled && !shadow)
            {
                return Continue;
            }

            var headers = context.HttpContext.Request.Headers;
            var origin = headers[OriginHeader].ToString();
            if (origin.Length == 0)
            {
                return Continue;
            }

            var allowed = IsOriginAllowed(origin);
            if (allowed)
            {
                Interlocked.Increment(ref _filter._originValid);
                _latchedOrigin = origin;
            }
            else
            {
                Interlocked.Increment(ref _filter._originInvalid);
            }

            if (shadow && !enabled)
            {
                return Continue;
            }

            _isCorsRequest = true;
            if (!HttpMethods.IsOptions(context.HttpContext.Request.Method))
            {
                return Continue;
            }

            var requestMethod = headers[RequestMethodHeader].ToString();
            if (requestMethod.Length == 0)
            {
                return Continue;
            }

            if (!allowed && ForwardNotMatchingPreflights())
            {
                return Continue;
            }

            var allowMethods = Pick(static p => p.AllowMethods);
            var allowHeaders = Pick(static p => p.AllowHeaders);
            var maxAge = Pick(static p => p.MaxAge);
            var credentials = PickBool(static p => p.AllowCredentials);
            var privateNetwork = PickBool(static p => p.AllowPrivateNetworkAccess) && headers[RequestPrivateNetworkHeader] == "true";
            var requestHeaders = headers[RequestHeadersHeader].ToString();
            return ValueTask.FromResult(context.SendLocalReply(new LocalReplyData(
                StatusCodes.Status200OK,
                ReadOnlyMemory<byte>.Empty,
                "cors_response",
                ModifyHeaders: response =>
                {
                    if (allowed)
                    {
                        response[AllowOriginHeader] = origin;
                    }

                    if (credentials)
                    {
                        response[AllowCredentialsHeader] = True;
                    }

                    if (allowMethods.Length > 0)
                    {
                        response[AllowMethodsHeader] = allowMethods == "*" ? requestMethod : allowMethods;
                    }

                    if (allowHeaders.Length > 0)
                    {
                        response[AllowHeadersHeader] = allowHeaders == "*" ? requestHeaders : allowHeaders;
                    }

                    if (maxAge.Length > 0)
                    {
                        response[MaxAgeHeader] = maxAge;
                    }

                    if (privateNetwork)
                    {
                        response[AllowPrivateNetworkHeader] = True;
                    }
                })));
        }

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            if (!_isCorsRequest || _latchedOrigin is null)
            {
                return Continue;
            }

            var headers = context.HttpContext.Response.Headers;
            headers[AllowOriginHeader] = _latchedOrigin;
            if (PickBool(static p => p.AllowCredentials))
            {
                headers[AllowCredentialsHeader] = True;
            }

            var expose = Pick(static p => p.ExposeHeaders);
            if (expose.Length > 0)
            {
                headers[ExposeHeadersHeader] = expose;
            }

            return Continue;
        }

        /// <summary>Envoy: an origin matcher that matches "*" allows every origin.</summary>
        private bool IsOriginAllowed(string origin)
        {
            for (var i = 0; i < _count; i++)
            {
                var matchers = _policies[i]!.AllowOrigins;
                if (matchers.Length == 0)
                {
                    continue;
                }

                foreach (var matcher in matchers)
                {
                    if (matcher.Matches("*") || matcher.Matches(origin))
                    {
                        return true;
                    }
                }

                return false;
            }

            return false;
        }

        private bool ForwardNotMatchingPreflights()
        {
            for (var i = 0; i < _count; i++)
            {
                if (_policies[i]!.Config.ForwardNotMatchingPreflights is { } value)
                {
                    return value;
                }
            }

            return true;
        }

        private string Pick(Func<CorsPolicyConfig, string> field)
        {
            for (var i = 0; i < _count; i++)
            {
                var value = field(_policies[i]!.Config);
                if (value.Length > 0)
                {
                    return value;
                }
            }

            return "";
        }

        private bool PickBool(Func<CorsPolicyConfig, bool?> field)
        {
            for (var i = 0; i < _count; i++)
            {
                if (field(_policies[i]!.Config) is { } value)
                {
                    return value;
                }
            }

            return false;
        }
    }
}
