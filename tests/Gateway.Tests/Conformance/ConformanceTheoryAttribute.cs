namespace Gateway.Tests.Conformance;

/// <summary>A theory that is skipped (with the reason shown) when the Envoy examples folder is absent.</summary>
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    public ConformanceTheoryAttribute()
    {
        if (ConformanceExamples.Directory is null)
        {
            Skip = ConformanceExamples.SkipReason;
        }
    }
}
