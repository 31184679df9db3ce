namespace Gateway.Tests.Conformance;

/// <summary>A fact that is skipped (with the reason shown) when the public envoy.yaml corpus is absent.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (CorpusFiles.Directory is null)
        {
            Skip = CorpusFiles.SkipReason;
        }
    }
}
