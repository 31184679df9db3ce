namespace Gateway.Clusters.Model;

/// <summary>What the HCM does with the upstream's <c>server</c> header (Envoy's default: overwrite).</summary>
public enum ServerHeaderTransformation
{
    Overwrite,
    AppendIfAbsent,
    PassThrough,
}
