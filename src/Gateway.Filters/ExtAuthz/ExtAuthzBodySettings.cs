namespace Gateway.Filters.ExtAuthz;

/// <summary>ExtAuthz <c>with_request_body</c> (envoy.extensions.filters.http.ext_authz.v3.BufferSettings).</summary>
/// <param name="MaxRequestBytes">The most of the body sent; a longer body is 413 unless partial messages are allowed.</param>
/// <param name="AllowPartialMessage">Send the first <paramref name="MaxRequestBytes"/> of a longer body instead of refusing it.</param>
/// <param name="PackAsBytes">gRPC: send the body as <c>raw_body</c> bytes rather than the UTF-8 <c>body</c> string.</param>
public sealed record ExtAuthzBodySettings(int MaxRequestBytes, bool AllowPartialMessage, bool PackAsBytes);
