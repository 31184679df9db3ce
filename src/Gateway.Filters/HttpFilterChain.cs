using Gateway.Clusters.Model;

namespace Gateway.Filters;

/// <summary>
/// A listener's http_filters before the router, built once per config load: the filters in order, whether
/// each is disabled unless a route enables it, and which phases any of them uses (so a request pays only
/// for what is configured).
/// </summary>
public sealed class HttpFilterChain
{
    public static readonly HttpFilterChain Empty = new([], []);

    private readonly IHttpFilter[] _filters;
    private readonly bool[] _disabledByDefault;
    private readonly HttpFilterPhases[] _phases;

    public HttpFilterChain(IHttpFilter[] filters, bool[] disabledByDefault)
    {
        _filters = filters;
        _disabledByDefault = disabledByDefault.Length == filters.Length ? disabledByDefault : new bool[filters.Length];
        _phases = filters.Select(f => f.Phases).ToArray();
        AnyDisabledByDefault = _disabledByDefault.Contains(true);
        foreach (var phase in _phases)
        {
            Phases |= phase;
        }
    }

    public HttpFilterChain(IHttpFilter[] filters)
        : this(filters, new bool[filters.Length])
    {
    }

    public bool IsEmpty => _filters.Length == 0;

    public int Count => _filters.Length;

    /// <summary>The filters in order, for the admin's stats walk (filters may implement IReportsStats).</summary>
    public IReadOnlyList<IHttpFilter> Filters => _filters;

    /// <summary>Every phase some filter of the chain implements.</summary>
    public HttpFilterPhases Phases { get; }

    /// <summary>True when some filter is disabled in http_filters (enabled per route).</summary>
    public bool AnyDisabledByDefault { get; }

    internal IHttpFilter[] FilterArray => _filters;

    internal HttpFilterPhases[] PhaseArray => _phases;

    internal bool IsDisabledByDefault(int index) => _disabledByDefault[index];

    /// <summary>This chain with <paramref name="filter"/> first (the connection manager's own stage, e.g. tracing).</summary>
    public HttpFilterChain Prepend(IHttpFilter filter) =>
        new([filter, .. _filters], [false, .. _disabledByDefault]);

    /// <summary>Builds the runtime chain of an HCM's http_filters with the factories that parsed them (the router ends it).</summary>
    public static HttpFilterChain Build(IReadOnlyList<HttpFilterConfig> configs, IReadOnlyList<IHttpFilterFactory> factories, IServiceProvider services)
    {
        var filters = new List<IHttpFilter>();
        var disabled = new List<bool>();
        foreach (var config in configs)
        {
            var factory = factories.First(f => f.CanParse(config.TypeName));
            if (factory.IsTerminal)
            {
                break;
            }

            if (factory.Create(config, services) is { } filter)
            {
                filters.Add(filter);
                disabled.Add(config.Disabled);
            }
        }

        return filters.Count == 0 ? Empty : new HttpFilterChain(filters.ToArray(), disabled.ToArray());
    }
}
