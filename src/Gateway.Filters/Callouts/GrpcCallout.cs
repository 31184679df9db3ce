using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;
using Grpc.Core;
using Grpc.Net.Client;

namespace Gateway.Filters.Callouts;

/// <summary>
/// A unary gRPC call a filter makes to an <c>envoy_grpc</c> cluster (ext_authz, rate limit): a
/// GrpcChannel per endpoint built over the cluster entry's own handler (so the pool, connection stats
/// and TLS settings are the cluster's), entered through the cluster's circuit breaker lease and
/// reported to its stats and outlier detection like routed traffic.
/// </summary>
public static class GrpcCallout
{
    // Channels per cluster entry, dropped with the entry (a reload that replaces a cluster replaces its
    // handler too). The channels do not own the handler, so nothing needs disposing.
    private static readonly ConditionalWeakTable<ClusterEntry, ConcurrentDictionary<UpstreamEndpoint, CallInvoker>> Channels = new();

    /// <summary>
    /// Calls <paramref name="invoke"/> once on a picked endpoint. The deadline is <paramref name="timeout"/>
    /// (infinite: none); <paramref name="headers"/> are sent as call metadata (initial_metadata).
    /// </summary>
    public static async Task<(CalloutOutcome Outcome, TResponse? Response, StatusCode Status)> CallAsync<TResponse>(
        ClusterEntry entry,
        Func<CallInvoker, CallOptions, AsyncUnaryCall<TResponse>> invoke,
        TimeSpan timeout,
        Metadata? headers,
        CancellationToken aborted)
        where TResponse : class
    {
        if (entry.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            return (CalloutOutcome.Overflow, null, StatusCode.ResourceExhausted);
        }

        using (call)
        {
            var endpoint = entry.PickEndpoint();
            if (endpoint is null)
            {
                Interlocked.Increment(ref entry.Stats.UpstreamCxNone);
                return (CalloutOutcome.NoHealthyUpstream, null, StatusCode.Unavailable);
            }

            using var attempt = call.StartAttempt(endpoint);
            var invoker = InvokerFor(entry, endpoint);
            DateTime? deadline = timeout == Timeout.InfiniteTimeSpan ? null : DateTime.UtcNow + timeout;
            try
            {
                using var unary = invoke(invoker, new CallOptions(headers, deadline, aborted));
                var response = await unary.ResponseAsync.ConfigureAwait(false);
                attempt.RecordResponse(200);
                return (CalloutOutcome.Response, response, StatusCode.OK);
            }
            catch (RpcException e) when (aborted.IsCancellationRequested)
            {
                return (CalloutOutcome.Aborted, null, e.StatusCode);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
            {
                attempt.RecordTimeout();
                return (CalloutOutcome.Timeout, null, e.StatusCode);
            }
            catch (RpcException e)
            {
                // A status the peer sent (Unimplemented, Internal, ...) came with response headers: the
                // upstream answered 200 at the HTTP level. Unavailable without an answer is a connect failure.
                if (e.StatusCode == StatusCode.Unavailable)
                {
                    attempt.RecordLocalFailure(503, 503);
                }
                else
                {
                    attempt.RecordResponse(200);
                }

                return (CalloutOutcome.Failed, null, e.StatusCode);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return (CalloutOutcome.Aborted, null, StatusCode.Cancelled);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
            {
                attempt.RecordLocalFailure(503, 503);
                return (CalloutOutcome.Failed, null, StatusCode.Unavailable);
            }
        }
    }

    private static CallInvoker InvokerFor(ClusterEntry entry, UpstreamEndpoint endpoint)
    {
        var channels = Channels.GetValue(entry, static _ => new ConcurrentDictionary<UpstreamEndpoint, CallInvoker>(ReferenceEqualityComparer.Instance));
        if (channels.TryGetValue(endpoint, out var invoker))
        {
            return invoker;
        }

        // DNS clusters replace endpoints over time; keep the cache bounded.
        if (channels.Count > 256)
        {
            channels.Clear();
        }

        var channel = GrpcChannel.ForAddress(endpoint.DestinationPrefix, new GrpcChannelOptions
        {
            HttpHandler = entry.Handler,
            DisposeHttpClient = false,
            // Envoy's gRPC clients do not retry on their own; a retry_policy would say so.
            MaxRetryAttempts = 0,
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        });
        invoker = channel.CreateCallInvoker();
        return channels.GetOrAdd(endpoint, invoker);
    }
}
