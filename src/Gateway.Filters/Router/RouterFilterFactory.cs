using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.Router;

/// <summary>
/// envoy.filters.http.router: the terminal filter. It owns its config parsing here; the forwarding
/// itself is the gateway's proxy (YARP's forwarder), which reads <see cref="RouterFilterConfig"/>.
/// </summary>
public sealed class RouterFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.router.v3.Router";

    public bool IsTerminal => true;

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var suppress = reader.Bool("suppress_envoy_headers");
        // Stats knobs change what Envoy records, not what a client sees.
        reader.Accept("dynamic_stats");
        // start_child_span: a span per upstream request when the HCM traces (and spawn_upstream_span is unset).
        var childSpan = reader.Bool("start_child_span");
        var respectExpected = reader.Bool("respect_expected_rq_timeout");
        return new RouterFilterConfig(suppress) { StartChildSpan = childSpan, RespectExpectedRqTimeout = respectExpected };
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) => null;
}
