using Gateway.Clusters.Table;
using Gateway.Filters.Callouts;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Filters.JwtAuthn;

/// <summary>
/// A provider's keys: local_jwks parsed once at config load, or remote_jwks fetched through its cluster
/// (the call lease, the cluster's pool) on first use and kept for cache_duration. Concurrent requests
/// share one fetch; a failed fetch is not cached, so the next request tries again.
/// </summary>
internal sealed class JwksSource
{
    private readonly JwtProviderConfig _provider;
    private readonly string _path = "/";
    private readonly string _host = "";
    private readonly Lock _gate = new();
    private JsonWebKeySet? _keys;
    private DateTime _expires;
    private Task<JsonWebKeySet?>? _fetch;

    public JwksSource(JwtProviderConfig provider)
    {
        _provider = provider;
        if (provider.LocalJwks is { } local)
        {
            _keys = Parse(local);
            _expires = DateTime.MaxValue;
        }
        else if (Uri.TryCreate(provider.RemoteUri, UriKind.Absolute, out var uri))
        {
            _path = uri.PathAndQuery;
            _host = uri.Authority;
        }
        else
        {
            _path = provider.RemoteUri.StartsWith('/') ? provider.RemoteUri : "/" + provider.RemoteUri;
        }
    }

    public long FetchSuccess;
    public long FetchFailed;

    /// <summary>The keys, or null when the local JWKS is invalid or the remote one could not be fetched.</summary>
    public ValueTask<JsonWebKeySet?> GetAsync(ClusterTable clusters, CancellationToken aborted)
    {
        var keys = Volatile.Read(ref _keys);
        if (keys is not null && DateTime.UtcNow < _expires)
        {
            return ValueTask.FromResult<JsonWebKeySet?>(keys);
        }

        if (_provider.LocalJwks is not null)
        {
            return ValueTask.FromResult<JsonWebKeySet?>(null);
        }

        Task<JsonWebKeySet?> fetch;
        lock (_gate)
        {
            // A finished fetch that left no keys (it failed) is not reused: try again.
            if (_fetch is null || _fetch.IsCompleted)
            {
                _fetch = FetchAsync(clusters);
            }

            fetch = _fetch;
        }

        return new ValueTask<JsonWebKeySet?>(fetch.WaitAsync(aborted));
    }

    /// <summary>Not tied to one request: the fetch serves every request waiting for it.</summary>
    private async Task<JsonWebKeySet?> FetchAsync(ClusterTable clusters)
    {
        if (_provider.RemoteCluster is not { } name || !clusters.TryGet(name, out var entry))
        {
            Interlocked.Increment(ref FetchFailed);
            return null;
        }

        var response = await HttpCallout.SendAsync(entry, endpoint =>
        {
            var message = new HttpRequestMessage(HttpMethod.Get, HttpCallout.FixedUri(endpoint, _path));
            if (_host.Length != 0)
            {
                message.Headers.Host = _host;
            }

            return message;
        }, _provider.RemoteTimeout, CancellationToken.None).ConfigureAwait(false);
        var keys = response is { IsResponse: true, Status: 200 } ? Parse(System.Text.Encoding.UTF8.GetString(response.Body)) : null;
        if (keys is null)
        {
            Interlocked.Increment(ref FetchFailed);
            return null;
        }

        Interlocked.Increment(ref FetchSuccess);
        _expires = DateTime.UtcNow + _provider.CacheDuration;
        Volatile.Write(ref _keys, keys);
        return keys;
    }

    private static JsonWebKeySet? Parse(string json)
    {
        try
        {
            var set = new JsonWebKeySet(json) { SkipUnresolvedJsonWebKeys = true };
            return set.Keys.Count == 0 ? null : set;
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
