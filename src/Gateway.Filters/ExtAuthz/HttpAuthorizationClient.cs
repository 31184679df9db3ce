using Gateway.Clusters.Table;
using Gateway.Filters.Callouts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.ExtAuthz;

/// <summary>
/// ExtAuthz's http_service (Envoy's RawHttpClientImpl): the request's method, path (after path_prefix),
/// host and allowed headers sent to the service's cluster; 200 allows, a 5xx or no answer is an error,
/// anything else is a denial passed to the client with the service's status, headers and body.
/// </summary>
internal sealed class HttpAuthorizationClient : IAuthorizationClient
{
    /// <summary>The header the HTTP service lists request headers to remove in (comma separated).</summary>
    public const string HeadersToRemoveHeader = "x-envoy-auth-headers-to-remove";

    private readonly ExtAuthzSettings _settings;
    private readonly HeaderNameMatcher _requestHeaders;
    private readonly HeaderNameMatcher _disallowed;
    private readonly HeaderNameMatcher _upstream;
    private readonly HeaderNameMatcher _upstreamAppend;
    private readonly HeaderNameMatcher? _client;
    private readonly HeaderNameMatcher _clientOnSuccess;
    private readonly HeaderNameMatcher _metadata;

    public HttpAuthorizationClient(ExtAuthzSettings settings)
    {
        _settings = settings;
        // Envoy always sends these, whatever allowed_headers says.
        _requestHeaders = new HeaderNameMatcher(settings.AllowedHeaders ?? [], "authorization", "host", ":authority", ":method", ":path", "content-length");
        _disallowed = new HeaderNameMatcher(settings.DisallowedHeaders);
        _upstream = new HeaderNameMatcher(settings.AllowedUpstreamHeaders);
        _upstreamAppend = new HeaderNameMatcher(settings.AllowedUpstreamHeadersToAppend);
        // With a list, Envoy adds these so a denial stays a well-formed answer (challenges, redirects).
        _client = settings.AllowedClientHeaders is null
            ? null
            : new HeaderNameMatcher(settings.AllowedClientHeaders, ":status", ":path", "content-length", "www-authenticate", "location");
        _clientOnSuccess = new HeaderNameMatcher(settings.AllowedClientHeadersOnSuccess);
        _metadata = new HeaderNameMatcher(settings.DynamicMetadataFromHeaders);
    }

    public async Task<AuthorizationResponse> CheckAsync(HttpFilterContext context, ExtAuthzPerRouteSettings? perRoute, ReadOnlyMemory<byte> body, CancellationToken aborted)
    {
        if (!context.Clusters.TryGet(_settings.ClusterName, out var entry))
        {
            return AuthorizationResponse.Error;
        }

        var request = context.HttpContext.Request;
        var rawTarget = context.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var path = _settings.PathPrefix + rawTarget;
        var result = await HttpCallout.SendAsync(entry, endpoint => Build(entry, endpoint, request, path, body), _settings.Timeout, aborted).ConfigureAwait(false);
        // No answer (down, slow, reset, garbage, breaker open): an error, whatever the reason.
        return result.IsResponse ? ToResponse(result) : AuthorizationResponse.Error;
    }

    private HttpRequestMessage Build(ClusterEntry entry, UpstreamEndpoint endpoint, HttpRequest request, string path, ReadOnlyMemory<byte> body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(endpoint.DestinationPrefix + path, UriKind.Absolute));
        var content = new ByteArrayContent(body.Length == 0 ? [] : body.ToArray());
        message.Content = content;
        message.Headers.TryAddWithoutValidation("Host", request.Host.Value ?? "");
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower is "host" or "content-length" or "transfer-encoding" or "connection" or "expect" or "upgrade" or "te" or "keep-alive")
            {
                continue;
            }

            if (!_requestHeaders.Matches(lower) || _disallowed.Matches(lower))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        foreach (var (name, value) in _settings.HeadersToAdd)
        {
            message.Headers.Remove(name);
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.Remove(name);
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private AuthorizationResponse ToResponse(HttpCalloutResponse result)
    {
        if (result.Status >= 500)
        {
            return AuthorizationResponse.Error;
        }

        if (result.Status == StatusCodes.Status200OK)
        {
            var ok = new AuthorizationResponse { Verdict = AuthorizationVerdict.Ok };
            foreach (var (name, values) in result.AllHeaders)
            {
                var lower = name.ToLowerInvariant();
                var value = string.Join(",", values);
                if (lower == HeadersToRemoveHeader)
                {
                    foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        (ok.HeadersToRemove ??= []).Add(part.ToLowerInvariant());
                    }

                    continue;
                }

                if (_upstream.Matches(lower))
                {
                    (ok.HeadersToSet ??= []).Add(new(lower, value));
                }

                if (_upstreamAppend.Matches(lower))
                {
                    (ok.HeadersToAppend ??= []).Add(new(lower, value));
                }

                if (_clientOnSuccess.Matches(lower))
                {
                    (ok.ResponseHeaders ??= []).Add(new(lower, value));
                }

                if (_metadata.Matches(lower))
                {
                    (ok.DynamicMetadata ??= new Dictionary<string, object?>(StringComparer.Ordinal))[lower] = value;
                }
            }

            return ok;
        }

        var denied = new AuthorizationResponse { Verdict = AuthorizationVerdict.Denied, Status = result.Status, Body = result.Body, ResponseHeaders = [] };
        foreach (var (name, values) in result.AllHeaders)
        {
            var lower = name.ToLowerInvariant();
            // The local reply sets its own framing and date.
            if (lower is "host" or "content-length" or "transfer-encoding" or "connection" or "date" or "keep-alive")
            {
                continue;
            }

            if (_client is null || _client.Matches(lower))
            {
                foreach (var value in values)
                {
                    denied.ResponseHeaders.Add(new(lower, value));
                }
            }
        }

        return denied;
    }
}
