using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;

namespace Gateway.Tracing;

/// <summary>
/// Sends a tracer's export requests to a cluster the way the router does: through the cluster's circuit
/// breaker, to an endpoint it picks, over the cluster's own connection pool (its invoker). The request
/// names the collector by authority; the URI is re-pointed at the picked endpoint per request.
/// </summary>
internal sealed class ClusterHttpHandler : HttpMessageHandler
{
    private readonly ClusterEntry _cluster;
    private readonly string _authority;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly bool _grpc;

    public ClusterHttpHandler(ClusterEntry cluster, string authority, IReadOnlyList<KeyValuePair<string, string>> headers, bool grpc)
    {
        _cluster = cluster;
        _authority = authority;
        _headers = headers;
        _grpc = grpc;
    }

    /// <summary>The OTLP/HTTP exporter sends synchronously from its export thread; HTTP/2 has no synchronous path, so this blocks on the async send.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_cluster.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        }

        using (call)
        {
            var endpoint = _cluster.PickEndpoint();
            if (endpoint is null)
            {
                Interlocked.Increment(ref _cluster.Stats.UpstreamCxNone);
                return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
            }

            using var attempt = call.StartAttempt(endpoint);
            request.RequestUri = new Uri(endpoint.DestinationPrefix + request.RequestUri!.PathAndQuery);
            request.Headers.Host = _authority;
            foreach (var (name, value) in _headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (_grpc)
            {
                // gRPC needs HTTP/2; over http:// that is prior knowledge (h2c), as Envoy's envoy_grpc client speaks it.
                request.Version = System.Net.HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }
            else
            {
                request.Version = _cluster.RequestVersion;
                request.VersionPolicy = _cluster.VersionPolicy;
            }

            try
            {
                var response = await _cluster.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
                attempt.RecordResponse((int)response.StatusCode);
                return response;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                attempt.RecordTimeout();
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                attempt.RecordLocalFailure(503, 503);
                throw;
            }
        }
    }
}
