namespace Gateway.Filters.Buffer;

/// <summary>envoy.extensions.filters.http.buffer.v3.Buffer (or BufferPerRoute), validated.</summary>
/// <param name="MaxRequestBytes">The most request body buffered; more is answered 413 Payload Too Large.</param>
/// <param name="Disabled">BufferPerRoute disabled: the request passes unbuffered.</param>
public sealed record BufferSettings(long MaxRequestBytes, bool Disabled = false)
{
    public static readonly BufferSettings DisabledRoute = new(0, true);
}
