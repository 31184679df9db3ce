namespace Gateway.Filters;

/// <summary>
/// The hooks a filter implements. The chain calls only these, and installs body interception only
/// when an active filter wants body data, so a phase no filter uses costs nothing per request.
/// </summary>
[Flags]
public enum HttpFilterPhases
{
    None = 0,
    RequestHeaders = 1,
    RequestData = 2,
    RequestTrailers = 4,
    ResponseHeaders = 8,
    ResponseData = 16,
    ResponseTrailers = 32,

    /// <summary>A decoder filter (Envoy's StreamDecoderFilter).</summary>
    Decoder = RequestHeaders | RequestData | RequestTrailers,

    /// <summary>An encoder filter (Envoy's StreamEncoderFilter).</summary>
    Encoder = ResponseHeaders | ResponseData | ResponseTrailers,

    All = Decoder | Encoder,
}
