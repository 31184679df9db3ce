using Gateway.Clusters.Configuration;

namespace Gateway.Filters.Runtime;

/// <summary>Reads envoy.config.core.v3.RuntimeFractionalPercent and envoy.type.v3.FractionalPercent.</summary>
public static class FractionalPercentReader
{
    public const string RuntimeFractionalPercentType = "envoy.config.core.v3.RuntimeFractionalPercent";
    public const string FractionalPercentType = "envoy.type.v3.FractionalPercent";

    /// <summary>A RuntimeFractionalPercent field; <paramref name="whenAbsent"/> when not given. default_value is required inside it.</summary>
    public static FractionalPercent ReadRuntime(MessageReader owner, string field, FractionalPercent whenAbsent)
    {
        var runtime = owner.Message(field, RuntimeFractionalPercentType);
        if (runtime is null)
        {
            return whenAbsent;
        }

        runtime.Accept("runtime_key");
        var value = runtime.Message("default_value", FractionalPercentType);
        FractionalPercent result;
        if (value is null)
        {
            runtime.Context.Error(runtime.Join("default_value"), runtime.Mark, $"{field}.default_value is required (Envoy: \"DefaultValue: value is required\"), e.g. default_value: {{ numerator: 100, denominator: HUNDRED }}");
            result = whenAbsent;
        }
        else
        {
            result = Read(value);
            value.Finish();
        }

        runtime.Finish();
        return result;
    }

    public static FractionalPercent Read(MessageReader value)
    {
        var numerator = value.Integer("numerator", 0, uint.MaxValue) ?? 0;
        var denominator = value.Enum("denominator", Denominator.Hundred, FractionalPercentType + ".DenominatorType") switch
        {
            Denominator.TenThousand => 10_000u,
            Denominator.Million => 1_000_000u,
            _ => 100u,
        };
        return new FractionalPercent((uint)numerator, denominator);
    }

    private enum Denominator
    {
        Hundred,
        TenThousand,
        Million,
    }
}
