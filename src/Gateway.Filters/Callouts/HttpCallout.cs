using System.Collections.Concurrent;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;

namespace Gateway.Filters.Callouts;

/// <summary>
/// An HTTP request a filter makes to a cluster (ext_authz's http_service, a JWKS fetch, Lua's httpCall):
/// through the cluster's circuit breaker lease, its load balancer and its own pool, counted in its stats
/// like routed traffic, with the whole response buffered (up to <see cref="MaxResponseBodyBytes"/>).
/// </summary>
public static class HttpCallout
{
    /// <summary>Past this the answer is treated as a reset, so a runaway peer cannot exhaust memory.</summary>
    public const long MaxResponseBodyBytes = 4 * 1024 * 1024;

    // DestinationPrefix per endpoint is fixed; the Uri of a path is parsed once per (endpoint, path).
    private static readonly ConcurrentDictionary<(UpstreamEndpoint, string), Uri> Uris = new();

    /// <summary>
    /// Sends one request. <paramref name="build"/> makes the message for the picked endpoint (see
    /// <see cref="FixedUri"/>; the callout sets version and policy); <paramref name="timeout"/> may be infinite.
    /// </summary>
    public static async Task<HttpCalloutResponse> SendAsync(
        ClusterEntry entry,
        Func<UpstreamEndpoint, HttpRequestMessage> build,
        TimeSpan timeout,
        CancellationToken aborted)
    {
        if (entry.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            return HttpCalloutResponse.Of(CalloutOutcome.Overflow);
        }

        using (call)
        {
            var endpoint = entry.PickEndpoint();
            if (endpoint is null)
            {
                Interlocked.Increment(ref entry.Stats.UpstreamCxNone);
                return HttpCalloutResponse.Of(CalloutOutcome.NoHealthyUpstream);
            }

            using var attempt = call.StartAttempt(endpoint);
            using var request = build(endpoint);
            request.Version = entry.RequestVersion;
            request.VersionPolicy = entry.VersionPolicy;
            using var timer = timeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timer?.CancelAfter(timeout);
            var token = timer?.Token ?? aborted;
            try
            {
                using var response = await entry.Invoker.SendAsync(request, token).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(MaxResponseBodyBytes, token).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                attempt.RecordResponse(status);
                return new HttpCalloutResponse(CalloutOutcome.Response, status, response.Headers, response.Content.Headers, body);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return HttpCalloutResponse.Of(CalloutOutcome.Aborted);
            }
            catch (OperationCanceledException) when (timer?.IsCancellationRequested == true)
            {
                attempt.RecordTimeout();
                return HttpCalloutResponse.Of(CalloutOutcome.Timeout);
            }
            catch (OperationCanceledException)
            {
                // Neither token fired: the handler's ConnectTimeout (the cluster's connect_timeout).
                attempt.RecordLocalFailure(503, 503);
                return HttpCalloutResponse.Of(CalloutOutcome.Failed);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                attempt.RecordLocalFailure(503, 503);
                return HttpCalloutResponse.Of(CalloutOutcome.Failed);
            }
        }
    }

    /// <summary>The URI of a fixed path on an endpoint, parsed once (a Uri per request would be the costliest step).</summary>
    public static Uri FixedUri(UpstreamEndpoint endpoint, string pathAndQuery)
    {
        var key = (endpoint, pathAndQuery);
        if (Uris.TryGetValue(key, out var uri))
        {
            return uri;
        }

        // DNS clusters replace endpoints over time; keep the cache bounded.
        if (Uris.Count > 1024)
        {
            Uris.Clear();
        }

        uri = new Uri(endpoint.DestinationPrefix + pathAndQuery, UriKind.Absolute);
        Uris.TryAdd(key, uri);
        return uri;
    }
}
