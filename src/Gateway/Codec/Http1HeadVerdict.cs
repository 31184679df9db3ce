namespace Gateway.Codec;

/// <summary>What <see cref="Http1HeadValidator"/> made of one request head.</summary>
internal readonly record struct Http1HeadVerdict(CodecError? Error, Http1BodyFraming Framing, long ContentLength, string Method, string Target, string? Host)
{
    /// <summary>Header names the Connection header nominates (besides keep-alive, close, upgrade, te); Kestrel keeps only the first token.</summary>
    public string[]? Nominated { get; init; }
}
