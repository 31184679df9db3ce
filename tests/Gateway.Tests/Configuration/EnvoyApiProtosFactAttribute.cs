namespace Gateway.Tests.Configuration;

/// <summary>A fact that is skipped, with the reason shown, when Envoy's API protos cannot be installed.</summary>
public sealed class EnvoyApiProtosFactAttribute : FactAttribute
{
    public EnvoyApiProtosFactAttribute()
    {
        if (EnvoyApiProtos.Directory is null)
        {
            Skip = EnvoyApiProtos.SkipReason;
        }
    }
}
