using Gateway.Clusters.Configuration;

namespace Gateway.Filters.Compression;

/// <summary>Reads envoy.config.core.v3.RuntimeFeatureFlag: this gateway has no runtime, so default_value decides.</summary>
internal static class RuntimeFlagReader
{
    public const string MessageType = "envoy.config.core.v3.RuntimeFeatureFlag";

    public static bool Read(MessageReader owner, string field, bool whenAbsent = true)
    {
        var flag = owner.Message(field, MessageType);
        if (flag is null)
        {
            return whenAbsent;
        }

        var value = flag.Bool("default_value", true);
        flag.Accept("runtime_key");
        flag.Finish();
        return value;
    }
}
