using Gateway.Clusters.Model;
using Gateway.Filters;

namespace Gateway.Tracing;

/// <summary>
/// The connection manager's tracing, run as the first stage of the HCM's filter chain when the HCM has
/// a <c>tracing</c> block (and only then: an HCM without it builds no such stage, so its requests pay
/// nothing). Per request: Envoy's sampling decision, the server span named by the route's decorator, a
/// child span per upstream request when spawn_upstream_span (or the router's start_child_span) says so,
/// and the span context written into the request the router forwards.
/// </summary>
internal sealed class TracingFilter : IHttpFilter
{
    public TracingFilter(ITracer tracer, TracingConfig config, bool upstreamSpan, IReadOnlyList<KeyValuePair<string, string>> staticTags,
        IReadOnlyList<CustomTagConfig> headerTags)
    {
        Tracer = tracer;
        Config = config;
        UpstreamSpan = upstreamSpan;
        StaticTags = staticTags;
        HeaderTags = headerTags;
    }

    public string Name => "envoy.tracing";

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    public ITracer Tracer { get; }

    public TracingConfig Config { get; }

    /// <summary>True when each upstream request gets its own child span.</summary>
    public bool UpstreamSpan { get; }

    /// <summary>Literal and environment custom tags, resolved once at config load as Envoy does.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StaticTags { get; }

    /// <summary>request_header custom tags, read per request.</summary>
    public IReadOnlyList<CustomTagConfig> HeaderTags { get; }

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new TracingStreamFilter(this);

    /// <summary>Builds the stage for an HCM's tracing, resolving the environment tags now.</summary>
    public static TracingFilter Create(ITracer tracer, TracingConfig config, bool routerStartsChildSpan)
    {
        var staticTags = new List<KeyValuePair<string, string>>();
        var headerTags = new List<CustomTagConfig>();
        foreach (var tag in config.CustomTags)
        {
            switch (tag.Kind)
            {
                case CustomTagKind.Literal:
                    staticTags.Add(new(tag.Tag, tag.Value));
                    break;
                case CustomTagKind.Environment:
                    if ((Environment.GetEnvironmentVariable(tag.Value) ?? tag.DefaultValue) is { } value)
                    {
                        staticTags.Add(new(tag.Tag, value));
                    }

                    break;
                default:
                    headerTags.Add(tag);
                    break;
            }
        }

        return new TracingFilter(tracer, config, config.SpawnUpstreamSpan ?? routerStartsChildSpan, staticTags, headerTags);
    }
}
