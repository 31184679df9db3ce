using Gateway.Clusters.Model;
using Gateway.Clusters.Runtime;
using Gateway.Clusters.Table;
using Gateway.Clusters.Table.Clients;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>
/// A route's request_mirror_policies, compiled once per config load (Envoy's shadow policies and
/// ShadowWriterImpl): for each request the policies whose runtime_fraction admits it name a cluster
/// (or a request header does); a copy of the request as the router sends it (its headers after the
/// route's edits, the rewritten path) goes there fire and forget, with <c>-shadow</c> appended to the host,
/// <c>x-envoy-internal: true</c> and the gateway's address appended to x-forwarded-for, as Envoy's async
/// client sends it. A body is sent once it has been read whole (and fits the buffer limit, else the
/// mirror is abandoned, counted in <c>retry_or_shadow_abandoned</c>). The answer is read and dropped; the
/// mirror cluster's pool, breaker and stats apply, as for any request to it.
/// </summary>
internal sealed class RequestMirror
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    // Not copied: hop-by-hop headers, the host (rewritten), and what the content carries itself.
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade", "content-length", "expect",
    };

    private readonly RequestMirrorPolicyConfig[] _policies;
    private readonly IRuntime? _runtime;

    private RequestMirror(RequestMirrorPolicyConfig[] policies, IRuntime? runtime)
    {
        _policies = policies;
        _runtime = runtime;
    }

    public static RequestMirror? Create(IReadOnlyList<RequestMirrorPolicyConfig> policies, IRuntime? runtime) =>
        policies.Count == 0 ? null : new RequestMirror([.. policies], runtime);

    /// <summary>The copy to send for this request, or null when no policy mirrors it.</summary>
    public Copy? Begin(HttpRequest request, ClusterTable clusters, string target, TimeSpan timeout)
    {
        List<(ClusterEntry Cluster, bool Suffix)>? targets = null;
        foreach (var policy in _policies)
        {
            if (policy.RuntimeFraction is { } fraction && !_runtime.IsEnabled(fraction))
            {
                continue;
            }

            var name = policy.Cluster ?? (request.Headers.TryGetValue(policy.ClusterHeader!, out var named) ? named.ToString() : "");
            // Envoy skips a mirror whose cluster is unknown (a header may name anything).
            if (name.Length > 0 && clusters.TryGet(name, out var cluster))
            {
                (targets ??= []).Add((cluster, !policy.DisableShadowHostSuffixAppend));
            }
        }

        if (targets is null)
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, StringValues>>(request.Headers.Count + 2);
        var forwardedFor = StringValues.Empty;
        foreach (var header in request.Headers)
        {
            if (header.Key.Equals(HeaderNames.XForwardedFor, StringComparison.OrdinalIgnoreCase))
            {
                forwardedFor = header.Value;
            }
            else if (!Skipped.Contains(header.Key) && !header.Key.Equals(HeaderNames.XEnvoyInternal, StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(header);
            }
        }

        var local = EdgeRules.GatewayLocalAddress;
        headers.Add(new(HeaderNames.XForwardedFor, forwardedFor.Count == 0 ? local : forwardedFor.ToString() + "," + local));
        headers.Add(new(HeaderNames.XEnvoyInternal, "true"));
        return new Copy(clusters, targets, request.Method, target, request.Host.Value ?? "", headers, timeout);
    }

    /// <summary>Sends <paramref name="copy"/> to each of its clusters, with <paramref name="body"/> (null: none), without waiting.</summary>
    public static void Send(Copy copy, byte[]? body)
    {
        foreach (var (cluster, suffix) in copy.Targets)
        {
            _ = SendAsync(cluster, copy, suffix ? ShadowHost(copy.Host) : copy.Host, body);
        }
    }

    private static async Task SendAsync(ClusterEntry cluster, Copy copy, string host, byte[]? body)
    {
        try
        {
            using var timeout = copy.Timeout > TimeSpan.Zero ? new CancellationTokenSource(copy.Timeout) : null;
            using var invoker = new HttpMessageInvoker(new ClusterRoutingHandler(() => copy.Clusters, cluster.Name), disposeHandler: true);
            using var request = new HttpRequestMessage(new HttpMethod(copy.Method), new Uri("http://mirror" + copy.Target, RawUri))
            {
                Version = cluster.RequestVersion,
                VersionPolicy = cluster.VersionPolicy,
            };
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
            }

            foreach (var (name, value) in copy.Headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
                }
            }

            request.Headers.Host = host;
            using var response = await invoker.SendAsync(request, timeout?.Token ?? default).ConfigureAwait(false);
            await response.Content.CopyToAsync(Stream.Null, timeout?.Token ?? default).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Fire and forget: a mirror's failure is its cluster's (its stats count it), never the request's it copies.
        }
    }

    /// <summary>Envoy's shadowAppendedHost: <c>-shadow</c> before the port, if there is one.</summary>
    internal static string ShadowHost(string host)
    {
        var colon = HostPort.Start(host);
        return colon >= 0 ? string.Concat(host.AsSpan(0, colon), "-shadow", host.AsSpan(colon)) : host + "-shadow";
    }

    /// <summary>What one request's mirrors send.</summary>
    internal sealed record Copy(
        ClusterTable Clusters,
        List<(ClusterEntry Cluster, bool Suffix)> Targets,
        string Method,
        string Target,
        string Host,
        List<KeyValuePair<string, StringValues>> Headers,
        TimeSpan Timeout);
}
