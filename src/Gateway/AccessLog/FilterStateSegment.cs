using System.Text;

namespace Gateway.AccessLog;

/// <summary><c>%FILTER_STATE(KEY:PLAIN)%</c>: an object a filter stored under KEY (PLAIN prints its text form).</summary>
public sealed class FilterStateSegment : AccessLogSegment
{
    private readonly string _key;
    private readonly bool _plain;

    public FilterStateSegment(string key, bool plain)
    {
        _key = key;
        _plain = plain;
    }

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        if (entry.State.FilterStateOrNull is not { } state || !state.TryGetValue(_key, out var value))
        {
            return false;
        }

        if (_plain || value is not string)
        {
            return DynamicMetadataSegment.AppendValue(text, value is string or bool ? value : value.ToString());
        }

        // Envoy serialises a string object as a JSON string unless PLAIN is asked for.
        text.Append('"').Append(((string)value).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        return true;
    }
}
