using System.Runtime.CompilerServices;

namespace Gateway.Filters.HeaderMutation;

/// <summary>
/// Envoy's header_mutation filter: the filter's request rules, then the route's (HeaderMutationPerRoute),
/// on the request headers; the same for the response headers. Envoy evaluates every level's per-route
/// entry; the filter contract hands out the most specific one, which is applied (the others are not).
/// </summary>
public sealed class HeaderMutationFilter : IHttpFilter
{
    private static readonly ConditionalWeakTable<HeaderMutationSettings, Compiled> CompiledPerRoute = new();

    private readonly Compiled _own;

    public HeaderMutationFilter(HeaderMutationFilterSettings settings)
    {
        Name = settings.FilterName;
        _own = new Compiled(settings.Mutations);
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    /// <summary>The route's rules, compiled once per per-route settings object (one per config load).</summary>
    private static Compiled? RouteRules(HttpFilterContext context, string name) =>
        context.HasPerFilterConfigs && context.PerRouteSettings<HeaderMutationSettings>(name) is { } perRoute
            ? CompiledPerRoute.GetValue(perRoute, static s => new Compiled(s))
            : null;

    private sealed class Compiled
    {
        public Compiled(HeaderMutationSettings settings)
        {
            Request = new CompiledHeaderMutations(settings.Request);
            Response = new CompiledHeaderMutations(settings.Response);
        }

        public CompiledHeaderMutations Request { get; }

        public CompiledHeaderMutations Response { get; }
    }

    private sealed class Stream : HttpStreamFilter
    {
        private readonly HeaderMutationFilter _filter;
        private Compiled? _route;

        public Stream(HeaderMutationFilter filter)
        {
            _filter = filter;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            var headers = context.HttpContext.Request.Headers;
            _filter._own.Request.Apply(headers);
            _route = RouteRules(context, _filter.Name);
            _route?.Request.Apply(headers);
            return Continue;
        }

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            var headers = context.HttpContext.Response.Headers;
            _filter._own.Response.Apply(headers);
            (_route ?? RouteRules(context, _filter.Name))?.Response.Apply(headers);
            return Continue;
        }
    }
}
