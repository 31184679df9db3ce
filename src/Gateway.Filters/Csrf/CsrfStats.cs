namespace Gateway.Filters.Csrf;

/// <summary>Envoy's csrf stats (ALL_CSRF_STATS).</summary>
public sealed class CsrfStats
{
    public long MissingSourceOrigin;
    public long RequestInvalid;
    public long RequestValid;
}
