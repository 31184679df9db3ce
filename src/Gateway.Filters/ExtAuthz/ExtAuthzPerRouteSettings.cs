namespace Gateway.Filters.ExtAuthz;

/// <summary>
/// envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute: <c>disabled</c>, or <c>check_settings</c>
/// (context_extensions sent to the gRPC service, body buffering off or changed for this route).
/// </summary>
public sealed record ExtAuthzPerRouteSettings(
    bool Disabled,
    IReadOnlyDictionary<string, string> ContextExtensions,
    bool DisableRequestBodyBuffering,
    ExtAuthzBodySettings? WithRequestBody);
