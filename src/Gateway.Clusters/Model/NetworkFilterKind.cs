namespace Gateway.Clusters.Model;

/// <summary>The terminal network filter a filter chain ends in.</summary>
public enum NetworkFilterKind
{
    HttpConnectionManager,
    TcpProxy,
    Echo,
    DirectResponse,
}
