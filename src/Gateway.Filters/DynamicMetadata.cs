namespace Gateway.Filters;

/// <summary>
/// Envoy's dynamic metadata of a request: per namespace (usually a filter name, e.g.
/// <c>envoy.filters.http.jwt_authn</c>) a map of keys to values (string, number, bool, or nested
/// maps/lists), which later filters read and the access log prints as <c>%DYNAMIC_METADATA(ns:key)%</c>.
/// </summary>
public sealed class DynamicMetadata
{
    private readonly Dictionary<string, Dictionary<string, object?>> _namespaces = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Dictionary<string, object?>> Namespaces => _namespaces;

    public void Set(string ns, string key, object? value)
    {
        lock (_namespaces)
        {
            if (!_namespaces.TryGetValue(ns, out var map))
            {
                map = new Dictionary<string, object?>(StringComparer.Ordinal);
                _namespaces[ns] = map;
            }

            map[key] = value;
        }
    }

    public bool TryGet(string ns, string key, out object? value)
    {
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(ns, out var map) && map.TryGetValue(key, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The namespace's map, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Get(string ns)
    {
        lock (_namespaces)
        {
            return _namespaces.TryGetValue(ns, out var map) ? map : null;
        }
    }
}
