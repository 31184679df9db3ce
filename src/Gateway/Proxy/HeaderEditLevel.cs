using Gateway.Filters.Headers;

namespace Gateway.Proxy;

/// <summary>One level's compiled header edits (route, virtual host or route configuration; request or response side).</summary>
public sealed record HeaderEditLevel(IReadOnlyList<string> Remove, IReadOnlyList<HeaderValueOption> Add);
