namespace Gateway.Tests.Conformance;

/// <summary>A fact that is skipped (with the reason shown) when the Envoy examples folder is absent.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceExamples.Directory is null)
        {
            Skip = ConformanceExamples.SkipReason;
        }
    }
}
