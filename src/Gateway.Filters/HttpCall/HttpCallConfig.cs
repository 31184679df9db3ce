using Gateway.Clusters.Naming;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// The http-call plugin's own configuration (the JSON in <c>configuration.value</c>), parsed and checked
/// at load by <see cref="HttpCallConfigParser"/>. Defaults are the seed plugin's hard-coded values, so an
/// empty configuration behaves exactly like the .wasm users run today.
/// </summary>
public sealed record HttpCallConfig
{
    /// <summary>The seed plugin's cluster: <c>StaticIpCluster{ServiceName: "172.22.220.21", Port: 8000, Host: "172.22.220.21"}</c>.</summary>
    public static readonly HigressClusterSpec SeedCluster = new()
    {
        Kind = HigressClusterKind.StaticIp,
        ServiceName = "172.22.220.21",
        Port = 8000,
        Host = "172.22.220.21",
    };

    public const string DefaultPath = "/echo/post";

    public const string DefaultBody = "{\"message\": \"hello\"}";

    public const string DefaultResponseHeader = "X-External-Response";

    public const long DefaultTimeoutMs = 5000;

    public const int DefaultMaxHeaderBytes = 8192;

    public static readonly HttpCallConfig Default = new();

    public HigressClusterSpec Cluster { get; init; } = SeedCluster;

    /// <summary>Upper-case HTTP method; GET, HEAD and OPTIONS carry no body (wasm-go passes nil for them).</summary>
    public string Method { get; init; } = "POST";

    /// <summary>The URL as configured (a path, or a full URL whose host becomes the authority); logged as wasm-go's <c>url</c>.</summary>
    public string Path { get; init; } = DefaultPath;

    /// <summary>Caller headers in order, without <c>:method</c>, <c>:path</c>, <c>:authority</c> (wasm-go drops them).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string Body { get; init; } = DefaultBody;

    /// <summary>0 = no timeout; negative = Envoy's bad argument at run time (kept, not refused, so behaviour matches).</summary>
    public long TimeoutMs { get; init; } = DefaultTimeoutMs;

    public string ResponseHeader { get; init; } = DefaultResponseHeader;

    public HttpCallOnError OnError { get; init; } = HttpCallOnError.Continue;

    /// <summary>Cap on the injected header value in UTF-8 bytes (truncated on a character boundary).</summary>
    public int MaxHeaderBytes { get; init; } = DefaultMaxHeaderBytes;

    /// <summary>True for methods wasm-go's client sends without a body.</summary>
    public bool SendsBody => Method is not ("GET" or "HEAD" or "OPTIONS");
}
