using Gateway.Clusters.Stats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Filters.JwtAuthn;

/// <summary>
/// envoy.filters.http.jwt_authn: finds the rule (or per-route requirement) for the request, extracts
/// the tokens its providers name, verifies them (local or remote JWKS) and answers 401 (403 for a
/// wrong audience) with Envoy's status text and a <c>www-authenticate: Bearer realm=...</c> header
/// when the requirement is not met. A verified token is forwarded or removed, and its payload put in
/// a header and/or dynamic metadata as the provider says.
/// </summary>
public sealed class JwtAuthnFilter : HttpStreamFilter, IHttpFilter, IReportsStats
{
    public const string MetadataNamespace = "envoy.filters.http.jwt_authn";

    private readonly JwtAuthnSettings _settings;
    private readonly Dictionary<string, JwtVerifier> _verifiers;
    private readonly (JwtRuleMatcher Matcher, JwtRequirementConfig? Requirement)[] _rules;
    private readonly string _statPrefix;
    private long _allowed;
    private long _denied;
    private long _corsBypassed;

    public JwtAuthnFilter(JwtAuthnSettings settings)
    {
        _settings = settings;
        _verifiers = settings.Providers.ToDictionary(p => p.Key, p => new JwtVerifier(p.Value), StringComparer.Ordinal);
        _rules = settings.Rules
            .Select(r => (new JwtRuleMatcher(r.Match), r.Requires ?? (r.RequirementName is { } n && settings.RequirementMap.TryGetValue(n, out var m) ? m : null)))
            .ToArray();
        _statPrefix = settings.StatPrefix.Length == 0 ? "jwt_authn." : $"jwt_authn.{settings.StatPrefix}.";
    }

    public string Name => _settings.FilterName;

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => this;

    public void ReportStats(IStatsWriter writer)
    {
        writer.Counter(_statPrefix + "allowed", ref _allowed);
        writer.Counter(_statPrefix + "denied", ref _denied);
        writer.Counter(_statPrefix + "cors_preflight_bypassed", ref _corsBypassed);
        foreach (var (name, verifier) in _verifiers)
        {
            if (verifier.Provider.RemoteCluster is not null)
            {
                writer.Counter($"{_statPrefix}{name}.jwks_fetch_success", ref verifier.Keys.FetchSuccess);
                writer.Counter($"{_statPrefix}{name}.jwks_fetch_failed", ref verifier.Keys.FetchFailed);
            }
        }
    }

    public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        var request = context.HttpContext.Request;
        var rawTarget = context.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        JwtRequirementConfig? requirement = null;
        var perRoute = context.HasPerFilterConfigs ? context.PerRouteSettings<JwtAuthnPerRouteSettings>(Name) : null;
        if (perRoute is not null)
        {
            if (perRoute.Disabled)
            {
                return Continue;
            }

            if (perRoute.RequirementName is { } name)
            {
                // An unknown name fails closed, as Envoy does.
                if (!_settings.RequirementMap.TryGetValue(name, out requirement))
                {
                    return ValueTask.FromResult(Deny(context, rawTarget, JwtStatus.JwtMissed));
                }
            }
        }

        if (requirement is null)
        {
            foreach (var (matcher, rule) in _rules)
            {
                if (matcher.Matches(request, rawTarget))
                {
                    requirement = rule;
                    break;
                }
            }
        }

        if (requirement is null)
        {
            return Continue;
        }

        if (_settings.BypassCorsPreflight && HttpMethods.IsOptions(request.Method) &&
            request.Headers.ContainsKey("origin") && request.Headers.ContainsKey("access-control-request-method"))
        {
            Interlocked.Increment(ref _corsBypassed);
            return Continue;
        }

        return VerifyAsync(context, requirement, rawTarget);
    }

    private async ValueTask<FilterStatus> VerifyAsync(HttpFilterContext context, JwtRequirementConfig requirement, string rawTarget)
    {
        var state = new RequestState(this, context);
        var status = await EvaluateAsync(requirement, state).ConfigureAwait(false);
        if (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return FilterStatus.StopIteration;
        }

        if (status != JwtStatus.Ok)
        {
            return Deny(context, rawTarget, status);
        }

        state.ApplyVerified();
        Interlocked.Increment(ref _allowed);
        return FilterStatus.Continue;
    }

    private FilterStatus Deny(HttpFilterContext context, string rawTarget, JwtStatus status)
    {
        Interlocked.Increment(ref _denied);
        var request = context.HttpContext.Request;
        var realm = $"Bearer realm=\"{request.Scheme}://{request.Host.Value}{rawTarget}\"";
        if (status != JwtStatus.JwtMissed)
        {
            realm += ", error=\"invalid_token\"";
        }

        var text = JwtStatusText.Of(status);
        var code = status == JwtStatus.JwtAudienceNotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        return context.SendLocalReply(new LocalReplyData(code, System.Text.Encoding.UTF8.GetBytes(text),
            "jwt_authn_access_denied{" + text.Replace(' ', '_') + "}", null, h => h.WWWAuthenticate = realm));
    }

    private static async ValueTask<JwtStatus> EvaluateAsync(JwtRequirementConfig requirement, RequestState state)
    {
        switch (requirement.Kind)
        {
            case JwtRequirementKind.Provider:
                return await state.VerifyAsync(requirement.ProviderName, requirement.Audiences).ConfigureAwait(false);

            case JwtRequirementKind.RequiresAll:
                foreach (var child in requirement.Children!)
                {
                    var status = await EvaluateAsync(child, state).ConfigureAwait(false);
                    if (status != JwtStatus.Ok)
                    {
                        return status;
                    }
                }

                return JwtStatus.Ok;

            case JwtRequirementKind.RequiresAny:
                var errors = new List<JwtStatus>();
                var allowMissing = false;
                foreach (var child in requirement.Children!)
                {
                    if (child.Kind == JwtRequirementKind.AllowMissingOrFailed)
                    {
                        await state.VerifyAllPresentAsync().ConfigureAwait(false);
                        return JwtStatus.Ok;
                    }

                    if (child.Kind == JwtRequirementKind.AllowMissing)
                    {
                        allowMissing = true;
                        continue;
                    }

                    var status = await EvaluateAsync(child, state).ConfigureAwait(false);
                    if (status == JwtStatus.Ok)
                    {
                        return JwtStatus.Ok;
                    }

                    errors.Add(status);
                }

                if (allowMissing && errors.All(e => e == JwtStatus.JwtMissed))
                {
                    return JwtStatus.Ok;
                }

                // Envoy reports a real verification error over "missing" / "issuer not configured".
                return errors.FirstOrDefault(e => e is not (JwtStatus.JwtMissed or JwtStatus.JwtUnknownIssuer),
                    errors.Count > 0 ? errors[0] : JwtStatus.JwtMissed);

            case JwtRequirementKind.AllowMissing:
                return await state.VerifyAllPresentAsync().ConfigureAwait(false);

            default:
                await state.VerifyAllPresentAsync().ConfigureAwait(false);
                return JwtStatus.Ok;
        }
    }

    /// <summary>The tokens found and verified for one request, by provider.</summary>
    private sealed class RequestState(JwtAuthnFilter filter, HttpFilterContext context)
    {
        private readonly Dictionary<string, (JwtStatus Status, JsonWebToken? Token, JwtTokenLocation? Location)> _results = new(StringComparer.Ordinal);

        public async ValueTask<JwtStatus> VerifyAsync(string providerName, IReadOnlyList<string>? audiences)
        {
            if (_results.TryGetValue(providerName, out var known) && audiences is null)
            {
                return known.Status;
            }

            var verifier = filter._verifiers[providerName];
            var (text, location) = Extract(verifier.Provider);
            if (text is null)
            {
                _results[providerName] = (JwtStatus.JwtMissed, null, null);
                return JwtStatus.JwtMissed;
            }

            var (status, token) = await verifier.VerifyAsync(text, audiences, context.Clusters, context.HttpContext.RequestAborted).ConfigureAwait(false);
            _results[providerName] = (status, token, location);
            return status;
        }

        /// <summary>allow_missing(_or_failed): every token present is verified; the first failure is returned.</summary>
        public async ValueTask<JwtStatus> VerifyAllPresentAsync()
        {
            var result = JwtStatus.Ok;
            foreach (var name in filter._verifiers.Keys)
            {
                var status = await VerifyAsync(name, null).ConfigureAwait(false);
                if (status is not (JwtStatus.Ok or JwtStatus.JwtMissed) && result == JwtStatus.Ok)
                {
                    result = status;
                }
            }

            return result;
        }

        private (string? Token, JwtTokenLocation? Location) Extract(JwtProviderConfig provider)
        {
            var request = context.HttpContext.Request;
            foreach (var location in provider.Locations)
            {
                string? value = location.Source switch
                {
                    JwtTokenSource.Header => request.Headers[location.Name].FirstOrDefault(),
                    JwtTokenSource.QueryParameter => request.Query[location.Name].FirstOrDefault(),
                    _ => request.Cookies[location.Name],
                };
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                if (location.ValuePrefix.Length != 0)
                {
                    if (!value.StartsWith(location.ValuePrefix, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    value = value[location.ValuePrefix.Length..].Trim();
                }

                if (value.Length != 0)
                {
                    return (value, location);
                }
            }

            return (null, null);
        }

        public void ApplyVerified()
        {
            var headers = context.HttpContext.Request.Headers;
            var clearRoute = false;
            foreach (var (name, (status, token, location)) in _results)
            {
                if (status != JwtStatus.Ok || token is null)
                {
                    continue;
                }

                var provider = filter._verifiers[name].Provider;
                if (!provider.Forward && location is { Source: JwtTokenSource.Header })
                {
                    headers.Remove(location.Name);
                }

                if (provider.ForwardPayloadHeader.Length != 0)
                {
                    var payload = token.EncodedPayload;
                    if (provider.PadForwardPayloadHeader && payload.Length % 4 != 0)
                    {
                        payload += new string('=', 4 - (payload.Length % 4));
                    }

                    headers[provider.ForwardPayloadHeader] = payload;
                    clearRoute |= provider.ClearRouteCache;
                }

                if (provider.PayloadInMetadata.Length != 0)
                {
                    context.DynamicMetadata.Set(MetadataNamespace, provider.PayloadInMetadata, JwtVerifier.PayloadOf(token));
                }

                if (provider.HeaderInMetadata.Length != 0)
                {
                    context.DynamicMetadata.Set(MetadataNamespace, provider.HeaderInMetadata, JwtVerifier.HeaderOf(token));
                }

                foreach (var (header, claim) in provider.ClaimToHeaders)
                {
                    if (token.TryGetPayloadValue<object>(claim, out var value) && value is not null)
                    {
                        headers[header] = value is string s ? s : value.ToString();
                        clearRoute |= provider.ClearRouteCache;
                    }
                }
            }

            if (clearRoute)
            {
                context.ClearRouteCache();
            }
        }
    }
}
