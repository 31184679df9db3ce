namespace Gateway.Clusters.Model;

/// <summary>The listener filters this gateway runs.</summary>
public enum ListenerFilterKind
{
    TlsInspector,
    HttpInspector,
    ProxyProtocol,
    OriginalDst,
}
