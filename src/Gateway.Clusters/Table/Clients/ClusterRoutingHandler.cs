using System.Net;
using Gateway.Clusters.Resilience;

namespace Gateway.Clusters.Table.Clients;

/// <summary>
/// Sends a request to one cluster the way the router does: the current table's entry (so reloads are
/// followed), its circuit breaker (overflow: 503 with <c>x-envoy-overloaded: true</c>), a healthy
/// endpoint from its load balancer (none: 503 <c>no healthy upstream</c>), its pool, and the stats and
/// outlier detection of the outcome. The breaker slot is held until the response headers arrive.
/// </summary>
public sealed class ClusterRoutingHandler : HttpMessageHandler
{
    private readonly Func<ClusterTable> _currentTable;
    private readonly string _cluster;

    public ClusterRoutingHandler(Func<ClusterTable> currentTable, string cluster)
    {
        _currentTable = currentTable;
        _cluster = cluster;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_currentTable().TryGet(_cluster, out var entry))
        {
            throw new InvalidOperationException($"no cluster named '{_cluster}' in the running config; define it in static_resources.clusters");
        }

        if (entry.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            return LocalReply(request, HttpStatusCode.ServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: overflow", overloaded: true);
        }

        using (call)
        {
            if (entry.PickEndpoint() is not { } endpoint)
            {
                Interlocked.Increment(ref entry.Stats.UpstreamCxNone);
                return LocalReply(request, HttpStatusCode.ServiceUnavailable, "no healthy upstream", overloaded: false);
            }

            var original = request.RequestUri ?? ClusterHttpClientFactory.BaseAddress;
            // Host: what the caller set, else the endpoint's address (Envoy's auto_host_rewrite).
            request.Headers.Host ??= original.Host == ClusterHttpClientFactory.BaseAddress.Host ? endpoint.Address : original.Authority;
            request.RequestUri = new Uri(endpoint.DestinationPrefix + original.PathAndQuery);
            using var attempt = call.StartAttempt(endpoint);
            try
            {
                var response = await entry.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
                attempt.RecordResponse((int)response.StatusCode);
                return response;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The pool's ConnectTimeout (the cluster's connect_timeout).
                attempt.RecordLocalFailure(503, 503);
                throw;
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                attempt.RecordLocalFailure(503, 503);
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                attempt.RecordLocalFailure(502, null);
                throw;
            }
        }
    }

    private static HttpResponseMessage LocalReply(HttpRequestMessage request, HttpStatusCode status, string body, bool overloaded)
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(body) };
        if (overloaded)
        {
            response.Headers.TryAddWithoutValidation("x-envoy-overloaded", "true");
        }

        return response;
    }
}
