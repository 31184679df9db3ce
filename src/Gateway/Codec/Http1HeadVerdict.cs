namespace Gateway.Codec;

/// <summary>What <see cref="Http1HeadValidator"/> made of one request head.</summary>
internal readonly record struct Http1HeadVerdict(CodecError? Error, Http1BodyFraming Framing, long ContentLength, string Method, string Target, string? Host);
