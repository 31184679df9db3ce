using System.Diagnostics;
using System.Text;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters;
using Gateway.Filters.Headers;
using Gateway.Proxy;

namespace Gateway.AccessLog;

/// <summary>
/// A header value with command operators (<c>%DOWNSTREAM_REMOTE_ADDRESS%</c>, <c>%REQ(x)%</c>, ...), compiled
/// once per config load into the access log's segments. As Envoy's header formatter (omit_empty_values): an
/// absent value adds nothing (no <c>-</c>), so a value that is only absent commands is empty and not written.
/// </summary>
public sealed class FormattedHeaderValue : HeaderValueFormatter
{
    private readonly AccessLogSegment[] _segments;

    [ThreadStatic]
    private static StringBuilder? t_text;

    public FormattedHeaderValue(IReadOnlyList<SubstitutionFormatPart> format)
    {
        _segments = AccessLogFormatParser.FromParts(format);
    }

    /// <summary>The option ready to apply: plain values get no formatter (no per-request cost).</summary>
    public static HeaderValueOption Compile(HeaderValueOptionConfig option) =>
        new(option, option.Format is { } format ? new FormattedHeaderValue(format) : null);

    /// <summary>
    /// A request header's option: Envoy formats request headers with no response headers in the context, so
    /// <c>%RESP(x)%</c> (and <c>%TRAILER(x)%</c>) there are absent, whatever the response already holds.
    /// </summary>
    public static HeaderValueOption CompileRequest(HeaderValueOptionConfig option) =>
        option.Format is { } format && format.Any(p => p.IsCommand && p.Text is "RESP" or "TRAILER")
            ? new(option, new FormattedHeaderValue(format.Where(p => !(p.IsCommand && p.Text is "RESP" or "TRAILER")).ToArray()))
            : Compile(option);

    public override string Format(HttpFilterContext context)
    {
        var state = (RequestState)context;
        var elapsed = (long)Stopwatch.GetElapsedTime(state.StartTimestamp).TotalMilliseconds;
        var entry = new AccessLogEntry(state.HttpContext, state, DateTimeOffset.UtcNow.AddMilliseconds(-elapsed), elapsed, 0, 0);
        var text = t_text ??= new StringBuilder(64);
        text.Clear();
        foreach (var segment in _segments)
        {
            segment.Append(text, entry);
        }

        return text.ToString();
    }
}
