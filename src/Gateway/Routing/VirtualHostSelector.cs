using System.Collections.Frozen;
using Gateway.Clusters.Model;

namespace Gateway.Routing;

/// <summary>
/// Picks the virtual host for a Host header with Envoy's precedence: exact domain, then suffix
/// wildcards (<c>*.foo.com</c>, longest first), then prefix wildcards (<c>foo.*</c>, longest first),
/// then <c>*</c>. Matching is case-insensitive; the port is part of the host (the connection manager's
/// strip_*_host_port has already rewritten the Host header, Proxy.HostNormalizer).
/// </summary>
public sealed class VirtualHostSelector
{
    private readonly FrozenDictionary<string, CompiledVirtualHost> _exact;

    private readonly (string Suffix, CompiledVirtualHost Host)[] _suffixWildcards;
    private readonly (string Prefix, CompiledVirtualHost Host)[] _prefixWildcards;
    private readonly CompiledVirtualHost? _default;

    public VirtualHostSelector(RouteTableConfig table, Clusters.Runtime.IRuntime? runtime = null)
    {
        var exact = new Dictionary<string, CompiledVirtualHost>(StringComparer.OrdinalIgnoreCase);
        var suffixes = new List<(string, CompiledVirtualHost)>();
        var prefixes = new List<(string, CompiledVirtualHost)>();
        foreach (var config in table.VirtualHosts)
        {
            var host = new CompiledVirtualHost(config, table, runtime);
            VirtualHosts.Add(host);
            foreach (var domain in config.Domains)
            {
                if (domain == "*")
                {
                    _default ??= host;
                }
                else if (domain.StartsWith('*'))
                {
                    suffixes.Add((domain[1..], host));
                }
                else if (domain.EndsWith('*'))
                {
                    prefixes.Add((domain[..^1], host));
                }
                else
                {
                    exact.TryAdd(domain, host);
                }
            }
        }

        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _suffixWildcards = suffixes.OrderByDescending(s => s.Item1.Length).ToArray();
        _prefixWildcards = prefixes.OrderByDescending(p => p.Item1.Length).ToArray();
    }

    public List<CompiledVirtualHost> VirtualHosts { get; } = new();

    public CompiledVirtualHost? Select(string name)
    {
        if (_exact.Count > 0 && _exact.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (suffix, vhost) in _suffixWildcards)
        {
            // The wildcard stands for at least one character: *.foo.com does not match .foo.com.
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return vhost;
            }
        }

        foreach (var (prefix, vhost) in _prefixWildcards)
        {
            if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return vhost;
            }
        }

        return _default;
    }
}
