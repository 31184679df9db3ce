namespace Gateway.Codec;

/// <summary>How the bytes after a request head are delimited.</summary>
internal enum Http1BodyFraming
{
    /// <summary>No body: the next request head follows.</summary>
    None,

    /// <summary>Content-Length bytes.</summary>
    Length,

    /// <summary>Transfer-Encoding: chunked.</summary>
    Chunked,

    /// <summary>An upgrade or CONNECT: what follows may be a tunnel; the guard stops looking.</summary>
    Opaque,
}
