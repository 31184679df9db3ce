using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.type.v3.FractionalPercent and envoy.config.core.v3.RuntimeFractionalPercent.</summary>
public static class FractionalPercentReader
{
    public const string FractionalPercentType = "envoy.type.v3.FractionalPercent";
    public const string RuntimeFractionalPercentType = "envoy.config.core.v3.RuntimeFractionalPercent";

    /// <summary>A FractionalPercent field; null when absent. Envoy's default denominator is HUNDRED.</summary>
    public static FractionalPercentConfig? Read(MessageReader owner, string field)
    {
        var percent = owner.Message(field, FractionalPercentType);
        return percent is null ? null : Read(percent);
    }

    public static FractionalPercentConfig Read(MessageReader percent)
    {
        var numerator = (uint)(percent.Integer("numerator", 0, uint.MaxValue) ?? 0);
        var denominator = percent.Enum("denominator", Denominator.Hundred, "envoy.type.v3.FractionalPercent.DenominatorType");
        percent.Finish();
        return new FractionalPercentConfig(numerator, denominator switch
        {
            Denominator.TenThousand => 10_000u,
            Denominator.Million => 1_000_000u,
            _ => 100u,
        });
    }

    /// <summary>
    /// A RuntimeFractionalPercent field (default_value, required as in Envoy, and runtime_key); null when
    /// absent. Evaluated with <see cref="Runtime.RuntimeFeatures.IsEnabled(Runtime.IRuntime?, RuntimeFractionalPercentConfig)"/>.
    /// </summary>
    public static RuntimeFractionalPercentConfig? ReadRuntime(MessageReader owner, string field)
    {
        var runtime = owner.Message(field, RuntimeFractionalPercentType);
        if (runtime is null)
        {
            return null;
        }

        var key = runtime.String("runtime_key");
        var value = runtime.Message("default_value", FractionalPercentType);
        if (value is null)
        {
            runtime.Context.Error(runtime.Join("default_value"), runtime.Mark,
                $"{field}: missing required field 'default_value' (e.g. default_value: {{ numerator: 100, denominator: HUNDRED }})");
        }

        runtime.Finish();
        return new RuntimeFractionalPercentConfig(value is null ? FractionalPercentConfig.Zero : Read(value), string.IsNullOrEmpty(key) ? null : key);
    }

    private enum Denominator
    {
        Hundred,
        TenThousand,
        Million,
    }
}
