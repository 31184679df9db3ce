using Gateway.Clusters.Model;

namespace Gateway.Routing;

/// <summary>
/// Finds the first matching route without trying every route. Each route whose path condition starts
/// with a literal (prefix, path, path_separated_prefix, case-sensitive) is filed in a character trie
/// under that literal; the rest (regexes, case-insensitive matches) are always candidates. A request
/// walks the trie along its path once, gathers the routes whose literal it starts with, and tries
/// only those, lowest index first — the same answer as Envoy's in-order scan.
/// </summary>
internal sealed class RouteIndex
{
    private const int MaxStackCandidates = 128;

    private readonly CompiledRoute[] _routes;
    private readonly TrieNode _root = new();
    private readonly int[] _alwaysCandidates;

    public RouteIndex(CompiledRoute[] routes)
    {
        _routes = routes;
        var always = new List<int>();
        for (var i = 0; i < routes.Length; i++)
        {
            var matcher = routes[i].Matcher;
            if (matcher.Kind == PathMatchKind.SafeRegex || !matcher.CaseSensitive)
            {
                always.Add(i);
                continue;
            }

            var node = _root;
            foreach (var c in matcher.Value)
            {
                node = node.Child(c);
            }

            node.Routes.Add(i);
        }

        _alwaysCandidates = always.ToArray();
        _root.Freeze();
    }

    public CompiledRoute? Match(Microsoft.AspNetCore.Http.HttpRequest request, string rawTarget, int pathLength)
    {
        Span<int> buffer = stackalloc int[MaxStackCandidates];
        var count = 0;
        var overflow = false;
        foreach (var index in _alwaysCandidates)
        {
            Add(ref buffer, ref count, ref overflow, index);
        }

        // Prefix routes may reach into the query string (Envoy matches prefix on the whole :path).
        var node = _root;
        Collect(node, ref buffer, ref count, ref overflow);
        for (var i = 0; i < rawTarget.Length && node is not null; i++)
        {
            node = node.Find(rawTarget[i]);
            if (node is not null)
            {
                Collect(node, ref buffer, ref count, ref overflow);
            }
        }

        if (overflow)
        {
            // Pathological fan-out: fall back to the plain ordered scan.
            foreach (var route in _routes)
            {
                if (route.Matcher.Matches(request, rawTarget, pathLength))
                {
                    return route;
                }
            }

            return null;
        }

        var candidates = buffer[..count];
        candidates.Sort();
        foreach (var index in candidates)
        {
            var route = _routes[index];
            if (route.Matcher.Matches(request, rawTarget, pathLength))
            {
                return route;
            }
        }

        return null;
    }

    private static void Collect(TrieNode node, ref Span<int> buffer, ref int count, ref bool overflow)
    {
        foreach (var index in node.FrozenRoutes)
        {
            Add(ref buffer, ref count, ref overflow, index);
        }
    }

    private static void Add(ref Span<int> buffer, ref int count, ref bool overflow, int index)
    {
        if (count == buffer.Length)
        {
            overflow = true;
            return;
        }

        buffer[count++] = index;
    }

    private sealed class TrieNode
    {
        private Dictionary<char, TrieNode>? _children;
        private char _singleKey;
        private TrieNode? _single;

        public List<int> Routes { get; } = new();

        public int[] FrozenRoutes { get; private set; } = [];

        public TrieNode Child(char c)
        {
            _children ??= new Dictionary<char, TrieNode>();
            if (!_children.TryGetValue(c, out var child))
            {
                child = new TrieNode();
                _children[c] = child;
            }

            return child;
        }

        public TrieNode? Find(char c)
        {
            if (_single is not null)
            {
                return _singleKey == c ? _single : null;
            }

            return _children is not null && _children.TryGetValue(c, out var child) ? child : null;
        }

        /// <summary>Most nodes have one child; those skip the dictionary lookup.</summary>
        public void Freeze()
        {
            FrozenRoutes = Routes.ToArray();
            if (_children is null)
            {
                return;
            }

            foreach (var child in _children.Values)
            {
                child.Freeze();
            }

            if (_children.Count == 1)
            {
                var only = _children.First();
                _singleKey = only.Key;
                _single = only.Value;
                _children = null;
            }
        }
    }
}
