namespace Gateway.Clusters.Configuration;

/// <summary>A format string Envoy would refuse; the message is Envoy's own wording.</summary>
public sealed class SubstitutionFormatException : Exception
{
    public SubstitutionFormatException(string message)
        : base(message)
    {
    }
}
