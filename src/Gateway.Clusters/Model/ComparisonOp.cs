namespace Gateway.Clusters.Model;

/// <summary>envoy.config.accesslog.v3.ComparisonFilter.Op.</summary>
public enum ComparisonOp
{
    Eq,
    Ge,
    Le,
    Ne,
}
