namespace Gateway.Clusters.Model;

/// <summary>Where a custom tag's value comes from.</summary>
public enum CustomTagKind
{
    Literal,
    RequestHeader,
    Environment,
}
