using Gateway.Clusters.Naming;
using Gateway.Clusters.Table;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// The "how to fix it" half of the bad-argument log event: the closest defined cluster names and the
/// envoy.yaml entry that would make the callout work. Built on the failure path only, and cached per
/// cluster table by the filter, since a misconfigured gateway hits it on every request.
/// </summary>
internal sealed class MissingClusterHint
{
    private MissingClusterHint(ClusterTable table, string clusterName, string closest, string snippet)
    {
        Table = table;
        ClusterName = clusterName;
        Closest = closest;
        Snippet = snippet;
    }

    public ClusterTable Table { get; }

    public string ClusterName { get; }

    /// <summary>Quoted names, nearest first, or <c>none</c>.</summary>
    public string Closest { get; }

    /// <summary>A ready-to-paste <c>clusters:</c> item.</summary>
    public string Snippet { get; }

    public static MissingClusterHint Build(ClusterTable table, string clusterName, HigressClusterSpec spec, string authority)
    {
        var closest = ClusterNameSuggestions.Closest(clusterName, table.Names);
        var closestText = closest.Count == 0 ? "none" : string.Join(", ", closest.Select(n => $"'{n}'"));
        return new MissingClusterHint(table, clusterName, closestText, SnippetFor(clusterName, spec, authority));
    }

    private static string SnippetFor(string clusterName, HigressClusterSpec spec, string authority)
    {
        if (clusterName.Length == 0)
        {
            return "(none: the request matched no route with a cluster, so a route cluster callout has no cluster to use)";
        }

        try
        {
            if (spec.Kind is not (HigressClusterKind.Target or HigressClusterKind.Route))
            {
                return EnvoyClusterSnippet.For(spec);
            }

            // Target and route clusters do not say where the service is; the authority is the best guess.
            var (host, port) = SplitAuthority(authority);
            return EnvoyClusterSnippet.For(clusterName, host, port);
        }
        catch (ArgumentException e)
        {
            return $"(none: {e.Message})";
        }
    }

    private static (string Host, long Port) SplitAuthority(string authority)
    {
        var colon = authority.LastIndexOf(':');
        if (colon > 0 && !authority.EndsWith(']') && long.TryParse(authority.AsSpan(colon + 1), out var port) && port is >= 1 and <= 65535)
        {
            return (authority[..colon], port);
        }

        return (authority.Length == 0 || authority == "unknownhost" ? "upstream.example.com" : authority, 80);
    }
}
