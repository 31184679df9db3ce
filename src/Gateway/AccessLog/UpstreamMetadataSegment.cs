using System.Text;

namespace Gateway.AccessLog;

/// <summary>
/// <c>%UPSTREAM_METADATA(NAMESPACE:KEY:...)%</c>: the chosen upstream host's metadata (its lb_endpoint's
/// <c>metadata.filter_metadata</c>), printed as <c>%DYNAMIC_METADATA%</c> prints. Absent before a host is
/// chosen, so in request headers, as in Envoy, which finalizes request headers before host selection.
/// </summary>
public sealed class UpstreamMetadataSegment : AccessLogSegment
{
    private readonly string _namespace;
    private readonly string[] _path;

    public UpstreamMetadataSegment(string ns, string[] path)
    {
        _namespace = ns;
        _path = path;
    }

    public override bool Append(StringBuilder text, in AccessLogEntry entry) =>
        entry.State.UpstreamMetadata is { } metadata && metadata.TryGetValue(_namespace, out var values) && values is not null &&
        DynamicMetadataSegment.AppendPath(text, values, _path);
}
