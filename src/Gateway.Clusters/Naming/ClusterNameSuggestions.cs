namespace Gateway.Clusters.Naming;

/// <summary>
/// "Did you mean" for cluster names: when a callout names an undefined cluster, the usual cause is a
/// near miss (wrong port, missing <c>.static</c>, different case), so the nearest defined names are
/// the most useful thing an error can show.
/// </summary>
public static class ClusterNameSuggestions
{
    /// <summary>
    /// Up to <paramref name="max"/> names from <paramref name="defined"/> nearest to <paramref name="wanted"/>,
    /// nearest first (ties in ordinal order, so output is stable). Distance is case-insensitive Levenshtein;
    /// when one name is a prefix of the other the distance is halved, because a missing or extra suffix
    /// (".static", ".svc.cluster.local") is one mistake however many characters it has. Names scoring
    /// above max(3, wanted.Length / 3) are left out so unrelated clusters are never suggested.
    /// </summary>
    public static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> defined, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(defined);
        if (max <= 0)
        {
            return [];
        }

        var limit = Math.Max(3.0, wanted.Length / 3);
        var target = wanted.ToLowerInvariant();
        var scored = new List<(string Name, double Score)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in defined)
        {
            if (name is null || !seen.Add(name))
            {
                continue;
            }

            var candidate = name.ToLowerInvariant();
            double score = Distance(target, candidate);
            var isPrefix = candidate.Length != 0 && target.Length != 0
                && (candidate.StartsWith(target, StringComparison.Ordinal) || target.StartsWith(candidate, StringComparison.Ordinal));
            if (isPrefix)
            {
                score /= 2;
            }

            if (score <= limit)
            {
                scored.Add((name, score));
            }
        }

        return scored
            .OrderBy(s => s.Score)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(s => s.Name)
            .ToArray();
    }

    /// <summary>Levenshtein distance with two rolling rows; names are short, so this is cheap.</summary>
    private static int Distance(string a, string b)
    {
        if (a.Length == 0)
        {
            return b.Length;
        }

        if (b.Length == 0)
        {
            return a.Length;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
