using Gateway.Clusters.Model;

namespace Gateway.Filters;

/// <summary>A listener's filters before the router, built once per config load.</summary>
public sealed class HttpFilterChain
{
    public static readonly HttpFilterChain Empty = new([]);

    private readonly IHttpFilter[] _filters;

    public HttpFilterChain(IHttpFilter[] filters)
    {
        _filters = filters;
    }

    public bool IsEmpty => _filters.Length == 0;

    public int Count => _filters.Length;

    /// <summary>The filters in order, for the admin's stats walk (filters may implement IReportsStats).</summary>
    public IReadOnlyList<IHttpFilter> Filters => _filters;

    /// <summary>Runs the filters in order; false when one of them answered the request.</summary>
    public async ValueTask<bool> RunAsync(HttpFilterContext context)
    {
        foreach (var filter in _filters)
        {
            if (!await filter.OnRequestAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Builds the runtime chain of an HCM's http_filters with the factories that parsed them.</summary>
    public static HttpFilterChain Build(IReadOnlyList<HttpFilterConfig> configs, IReadOnlyList<IHttpFilterFactory> factories, IServiceProvider services)
    {
        var filters = new List<IHttpFilter>();
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
            }
        }

        return filters.Count == 0 ? Empty : new HttpFilterChain(filters.ToArray());
    }
}
