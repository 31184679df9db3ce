using Microsoft.AspNetCore.Http;

namespace Gateway.Filters;

/// <summary>
/// A reply the gateway makes itself (Envoy's sendLocalReply): status, body, details for
/// %RESPONSE_CODE_DETAILS%, response flag, extra headers. HCM local_reply_config may rewrite it before
/// it is encoded.
/// </summary>
/// <param name="Details">Envoy's response code details, e.g. <c>route_not_found</c>; null keeps what is set.</param>
/// <param name="ResponseFlag">Envoy's %RESPONSE_FLAGS% value (NR, UH, UAEX, RL, ...), or null.</param>
/// <param name="ModifyHeaders">Adds or changes response headers before the encoder filters run.</param>
/// <param name="ContentType">The body's content type; text/plain when null and the body is not empty.</param>
public sealed record LocalReplyData(
    int Status,
    ReadOnlyMemory<byte> Body,
    string? Details = null,
    string? ResponseFlag = null,
    Action<IHeaderDictionary>? ModifyHeaders = null,
    string? ContentType = null);
