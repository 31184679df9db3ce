namespace Gateway.Tests.Support;

/// <summary>A fact about the published gateway binary itself: skipped (with the reason shown) unless GATEWAY_TEST_BINARY names one.</summary>
public sealed class GatewayBinaryFactAttribute : FactAttribute
{
    public GatewayBinaryFactAttribute()
    {
        if (GatewayBinaryProcess.BinaryPath is null)
        {
            Skip = "checks the published binary: set GATEWAY_TEST_BINARY (as .ci/run's second pass does)";
        }
    }
}
