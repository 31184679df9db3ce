namespace Gateway.Codec;

/// <summary>
/// A request the HTTP/1 codec refused before the connection manager saw it, answered as Envoy's codec
/// does (sendProtocolError): a local reply with the code's reason phrase as body, then close.
/// </summary>
/// <param name="Status">400, 426, 431, 501, 408, ...</param>
/// <param name="Details">Envoy's response code details (<c>http1.codec_error</c>, <c>low_version</c>, ...).</param>
/// <param name="WithBody">False for the replies Envoy's connection manager makes with an empty body (a path with a fragment).</param>
public sealed record CodecError(int Status, string Details, bool WithBody = true);
