namespace Gateway.Filters.Compressor;

/// <summary>Envoy's RESPONSE_COMPRESSOR_STATS: how the accept-encoding header decided.</summary>
public sealed class CompressorResponseStats
{
    public long NoAcceptHeader;
    public long HeaderIdentity;
    public long HeaderCompressorUsed;
    public long HeaderCompressorOvershadowed;
    public long HeaderWildcard;
    public long HeaderNotValid;
    public long NotCompressedEtag;

    public void Report(HttpFilterStatsWriter writer)
    {
        writer.Counter("no_accept_header", ref NoAcceptHeader);
        writer.Counter("header_identity", ref HeaderIdentity);
        writer.Counter("header_compressor_used", ref HeaderCompressorUsed);
        writer.Counter("header_compressor_overshadowed", ref HeaderCompressorOvershadowed);
        writer.Counter("header_wildcard", ref HeaderWildcard);
        writer.Counter("header_not_valid", ref HeaderNotValid);
        writer.Counter("not_compressed_etag", ref NotCompressedEtag);
    }
}
