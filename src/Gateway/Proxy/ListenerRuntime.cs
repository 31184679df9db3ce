using Gateway.Clusters.Model;
using Gateway.Filters;
using Gateway.Filters.Router;
using Gateway.Routing;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>
/// A listener ready to serve: its virtual hosts, filter chain and router settings, compiled once
/// per config load, plus its connection manager's stats.
/// </summary>
public sealed class ListenerRuntime
{
    /// <param name="http">The chain's connection manager when the listener has several chains; default: the listener's.</param>
    /// <param name="localNode">node.cluster and node.id, for add_user_agent.</param>
    public ListenerRuntime(ListenerConfig config, HttpFilterChain filters, RouterFilterConfig router, HttpConnectionManagerStats stats,
        Clusters.Runtime.IRuntime? runtime = null, HttpConnectionManagerConfig? http = null, (string Cluster, string Node) localNode = default)
    {
        Config = config;
        Http = http ?? config.Http ?? throw new ArgumentException("the listener has no http_connection_manager", nameof(config));
        Filters = filters;
        Router = router;
        Stats = stats;
        Hosts = new VirtualHostSelector(Http.RouteConfig, runtime);
        ServerName = new StringValues(Http.ServerName);
        AllowsWebSocket = Http.UpgradeTypes.Contains("websocket", StringComparer.OrdinalIgnoreCase);
        Transformer = new EnvoyHttpTransformer(this);
        Edge = new EdgeRules(Http, localNode.Cluster ?? "", localNode.Node ?? "");
        PathNormalizer = PathNormalizer.Create(Http.PathNormalization);
        HostNormalizer = HostNormalizer.Create(Http);
        Timeouts = Codec.StreamTimeoutPolicy.Create(Http, stats);
    }

    /// <summary>The HCM's stream timers; null when no stream can time out.</summary>
    internal Codec.StreamTimeoutPolicy? Timeouts { get; }

    /// <summary>normalize_path, merge_slashes and the escaped-slash action; null when the HCM has none of them on.</summary>
    internal PathNormalizer? PathNormalizer { get; }

    /// <summary>strip_trailing_host_dot and the host port stripping; null when none is on.</summary>
    internal HostNormalizer? HostNormalizer { get; }

    /// <summary>Client address, internal/edge and request id rules (mutateRequestHeaders).</summary>
    internal EdgeRules Edge { get; }

    /// <summary>Builds upstream requests and downstream responses the Envoy way for this listener.</summary>
    public EnvoyHttpTransformer Transformer { get; }

    public ListenerConfig Config { get; }

    public HttpConnectionManagerConfig Http { get; }

    public string Name => Config.Name;

    public VirtualHostSelector Hosts { get; }

    public HttpFilterChain Filters { get; }

    public RouterFilterConfig Router { get; }

    public HttpConnectionManagerStats Stats { get; }

    /// <summary>The <c>server</c> header value, boxed once.</summary>
    public StringValues ServerName { get; }

    /// <summary>True when the HCM's upgrade_configs allow WebSocket on every route.</summary>
    public bool AllowsWebSocket { get; }

    /// <summary>The HCM's access_log entries, compiled at load; null when it has none.</summary>
    public AccessLog.ListenerAccessLog? AccessLog { get; init; }

    /// <summary>HCM local_reply_config, compiled at load; null when it has none (replies go out as made).</summary>
    public ILocalReplyMapper? LocalReplyMapper { get; init; }

    /// <summary>The port Kestrel actually bound (differs from the config for port 0).</summary>
    public int BoundPort { get; set; }
}
