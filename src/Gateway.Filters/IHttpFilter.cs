namespace Gateway.Filters;

/// <summary>
/// One entry of an HCM's http_filters, built once per config load from its parsed config (Envoy's filter
/// factory callback plus its config). For each request it creates the stream filter that runs that
/// request's hooks; a filter that keeps no per-request state may hand out one shared instance.
/// </summary>
public interface IHttpFilter
{
    /// <summary>The http_filters <c>name</c>: the key of its typed_per_filter_config entries.</summary>
    string Name { get; }

    /// <summary>The hooks the stream filters implement; the chain skips the others.</summary>
    HttpFilterPhases Phases { get; }

    /// <summary>Called once per request the filter is active for, before its first hook.</summary>
    HttpStreamFilter CreateStreamFilter(HttpFilterContext context);
}
