namespace Gateway.Clusters.Model;

/// <summary>HCM codec_type. HTTP3 is refused at load (it needs QUIC listeners).</summary>
public enum CodecType
{
    Auto,
    Http1,
    Http2,
}
