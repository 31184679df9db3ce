using System.Globalization;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;

namespace Gateway.Filters.Wasm;

/// <summary>
/// proxy_http_call: the callout goes through the cluster table (the cluster's own pool, stats, circuit
/// breaker and health, as routed traffic), and its answer is delivered to the context that made it.
/// Envoy's BadArgument cases are kept: an unknown cluster, a negative timeout, a missing :path, :method
/// or :authority.
/// </summary>
internal static class WasmHttpCalls
{
    /// <summary>Envoy buffers a callout's whole response; past this it is treated as a reset.</summary>
    public const long MaxResponseBodyBytes = 4 * 1024 * 1024;

    public static int Dispatch(WasmInstance instance, WasmContext context, string cluster, List<KeyValuePair<string, string>> headers, byte[] body, int timeoutMs, out int token)
    {
        token = 0;
        var table = context.Stream?.FilterContext.Clusters ?? instance.Plugin.LastClusterTable;
        if (table is null || !table.TryGet(cluster, out var entry) || timeoutMs < 0)
        {
            return ProxyWasmAbi.BadArgument;
        }

        string? method = null, path = null, authority = null;
        foreach (var (name, value) in headers)
        {
            switch (name)
            {
                case ":method": method = value; break;
                case ":path": path = value; break;
                case ":authority": authority = value; break;
            }
        }

        if (string.IsNullOrEmpty(method) || string.IsNullOrEmpty(path) || string.IsNullOrEmpty(authority))
        {
            return ProxyWasmAbi.BadArgument;
        }

        token = instance.Plugin.NextToken();
        if (context.Stream is { } stream)
        {
            stream.PendingCalls++;
        }

        var request = new Callout(entry, method, path, authority, headers, body, timeoutMs, context.Stream?.FilterContext.HttpContext.RequestAborted ?? CancellationToken.None);
        var id = context.Id;
        var callToken = token;
        var send = SendAsync(request);
        var state = new Delivery(instance, id, callToken, send);
        if (send.IsCompleted)
        {
            // Never on this stack: the plugin is inside proxy_http_call, and the answer comes after it returns.
            ThreadPool.UnsafeQueueUserWorkItem(static d => d.Run(), state, preferLocal: false);
        }
        else
        {
            send.ContinueWith(static (_, d) => ((Delivery)d!).Run(), state, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return ProxyWasmAbi.Ok;
    }

    private sealed record Delivery(WasmInstance Instance, int ContextId, int Token, Task<WasmCallResult?> Send)
    {
        public void Run() => Deliver(Instance, ContextId, Token, Send.IsCompletedSuccessfully ? Send.Result : WasmCallResult.Reset);
    }

    private static void Deliver(WasmInstance instance, int contextId, int token, WasmCallResult? result)
    {
        lock (instance.Gate)
        {
            if (!instance.TryGetContext(contextId, out var context))
            {
                return;
            }

            var stream = context.Stream;
            if (stream is not null)
            {
                stream.PendingCalls--;
            }

            if (result is null)
            {
                // The downstream went away; nobody waits for this answer.
                return;
            }

            if (instance.Failed)
            {
                stream?.AsyncFailed(new WasmTrapException("the plugin instance failed earlier"));
                return;
            }

            try
            {
                instance.OnHttpCallResponse(context, token, result);
            }
            catch (WasmTrapException e)
            {
                instance.Plugin.OnTrap(instance, e);
                stream?.AsyncFailed(e);
                return;
            }

            stream?.AfterAsyncCallback();
        }
    }

    // DestinationPrefix + path as a Uri: parsing one per callout would be a large share of the host's cost.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(UpstreamEndpoint, string), Uri> Uris = new();

    private static Uri UriFor(UpstreamEndpoint endpoint, string path)
    {
        if (Uris.TryGetValue((endpoint, path), out var uri))
        {
            return uri;
        }

        if (Uris.Count > 1024)
        {
            Uris.Clear();
        }

        uri = new Uri(endpoint.DestinationPrefix + path, UriKind.Absolute);
        Uris.TryAdd((endpoint, path), uri);
        return uri;
    }

    private sealed record Callout(ClusterEntry Entry, string Method, string Path, string Authority,
        List<KeyValuePair<string, string>> Headers, byte[] Body, int TimeoutMs, CancellationToken Aborted);

    /// <summary>Null when the downstream request was aborted meanwhile.</summary>
    private static async Task<WasmCallResult?> SendAsync(Callout c)
    {
        var entry = c.Entry;
        if (entry.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            return WasmCallResult.Local(503, UpstreamReplyBodies.Overflow);
        }

        using (call)
        {
            var endpoint = entry.PickEndpoint();
            if (endpoint is null)
            {
                Interlocked.Increment(ref entry.Stats.UpstreamCxNone);
                return WasmCallResult.Local(503, UpstreamReplyBodies.NoHealthyUpstream);
            }

            using var attempt = call.StartAttempt(endpoint);
            using var request = new HttpRequestMessage(HttpMethod.Parse(c.Method), UriFor(endpoint, c.Path))
            {
                Version = entry.RequestVersion,
                VersionPolicy = entry.VersionPolicy,
            };
            request.Headers.TryAddWithoutValidation("Host", c.Authority);
            ByteArrayContent? content = c.Body.Length != 0 ? new ByteArrayContent(c.Body) : null;
            foreach (var (name, value) in c.Headers)
            {
                if (name.StartsWith(':') || name.Equals("content-length", StringComparison.OrdinalIgnoreCase) || name.Equals("host", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    content ??= new ByteArrayContent([]);
                    content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            request.Content = content;
            using var timeout = c.TimeoutMs == 0 ? null : CancellationTokenSource.CreateLinkedTokenSource(c.Aborted);
            timeout?.CancelAfter(c.TimeoutMs);
            var token = timeout?.Token ?? c.Aborted;
            try
            {
                using var response = await entry.Invoker.SendAsync(request, token).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(MaxResponseBodyBytes, token).ConfigureAwait(false);
                var bytes = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                attempt.RecordResponse(status);
                var headers = new List<KeyValuePair<string, string>> { new(":status", status.ToString(CultureInfo.InvariantCulture)) };
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    foreach (var value in values)
                    {
                        headers.Add(new(name.ToLowerInvariant(), value));
                    }
                }

                var trailers = new List<KeyValuePair<string, string>>();
                foreach (var (name, values) in response.TrailingHeaders)
                {
                    foreach (var value in values)
                    {
                        trailers.Add(new(name.ToLowerInvariant(), value));
                    }
                }

                return new WasmCallResult(headers, bytes, trailers);
            }
            catch (OperationCanceledException) when (c.Aborted.IsCancellationRequested)
            {
                return null;
            }
            catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true)
            {
                attempt.RecordTimeout();
                return WasmCallResult.Local(504, UpstreamReplyBodies.RequestTimeout);
            }
            catch (OperationCanceledException)
            {
                attempt.RecordLocalFailure(503, 503);
                return WasmCallResult.Local(503, UpstreamReplyBodies.ConnectionTimeout);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                attempt.RecordLocalFailure(503, 503);
                return WasmCallResult.Local(503, UpstreamReplyBodies.ConnectionFailure);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                attempt.RecordLocalFailure(502, null);
                return WasmCallResult.Reset;
            }
        }
    }
}
