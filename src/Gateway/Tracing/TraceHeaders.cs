using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tracing;

/// <summary>W3C trace context (traceparent) and B3 (x-b3-* and the single b3 header) as Envoy's tracers read and write them.</summary>
internal static class TraceHeaders
{
    public const string TraceParent = "traceparent";
    public const string B3TraceId = "x-b3-traceid";
    public const string B3SpanId = "x-b3-spanid";
    public const string B3ParentSpanId = "x-b3-parentspanid";
    public const string B3Sampled = "x-b3-sampled";
    public const string B3Flags = "x-b3-flags";
    public const string B3Single = "b3";

    /// <summary>Parses <c>version-traceid-spanid-flags</c>; false when absent or malformed (then a new trace starts).</summary>
    public static bool TryReadTraceParent(IHeaderDictionary headers, out TraceContext context)
    {
        context = default;
        var values = headers[TraceParent];
        if (values.Count != 1 || values[0] is not { } text)
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span.Length < 55 || span[2] != '-' || span[35] != '-' || span[52] != '-' || span[..2].SequenceEqual("ff") ||
            (span.Length > 55 && span[55] != '-') || (span[..2].SequenceEqual("00") && span.Length != 55))
        {
            return false;
        }

        if (!Hex(span.Slice(3, 16), out var high) || !Hex(span.Slice(19, 16), out var low) ||
            !Hex(span.Slice(36, 16), out var spanId) || !byte.TryParse(span.Slice(53, 2), NumberStyles.AllowHexSpecifier, null, out var flags))
        {
            return false;
        }

        context = new TraceContext(high, low, spanId, 0, (flags & 1) != 0);
        return context.IsValid;
    }

    public static string FormatTraceParent(in TraceContext context, bool sampled) =>
        "00-" + context.TraceIdHex(allow64: false) + "-" + context.SpanId.ToString("x16") + (sampled ? "-01" : "-00");

    /// <summary>Reads x-b3-* (or the single b3 header); false when there is no B3 context.</summary>
    public static bool TryReadB3(IHeaderDictionary headers, out TraceContext context, out bool? samplingOnly)
    {
        context = default;
        samplingOnly = null;
        var traceId = headers[B3TraceId].ToString();
        var spanId = headers[B3SpanId].ToString();
        bool? sampled = SampledOf(headers[B3Sampled].ToString());
        if (headers[B3Flags].ToString() == "1")
        {
            sampled = true;
        }

        if (traceId.Length == 0 && spanId.Length == 0)
        {
            var single = headers[B3Single].ToString();
            if (single.Length == 0)
            {
                samplingOnly = sampled;
                return false;
            }

            var parts = single.Split('-');
            if (parts.Length == 1)
            {
                samplingOnly = SampledOf(parts[0]);
                return false;
            }

            traceId = parts[0];
            spanId = parts[1];
            sampled = parts.Length > 2 ? SampledOf(parts[2]) : null;
            var parentText = parts.Length > 3 ? parts[3] : "";
            return Build(traceId, spanId, parentText, sampled, out context);
        }

        return Build(traceId, spanId, headers[B3ParentSpanId].ToString(), sampled, out context);
    }

    private static bool Build(string traceId, string spanId, string parentText, bool? sampled, out TraceContext context)
    {
        context = default;
        ulong high = 0, low;
        if (traceId.Length == 32)
        {
            if (!Hex(traceId.AsSpan(0, 16), out high) || !Hex(traceId.AsSpan(16), out low))
            {
                return false;
            }
        }
        else if (traceId.Length != 16 || !Hex(traceId, out low))
        {
            return false;
        }

        if (spanId.Length != 16 || !Hex(spanId, out var id))
        {
            return false;
        }

        ulong parent = 0;
        if (parentText.Length > 0 && (parentText.Length != 16 || !Hex(parentText, out parent)))
        {
            return false;
        }

        context = new TraceContext(high, low, id, parent, sampled);
        return context.IsValid;
    }

    private static bool? SampledOf(string value) => value switch
    {
        "1" or "true" or "d" => true,
        "0" or "false" => false,
        _ => null,
    };

    /// <summary>Writes the context as x-b3-* headers (replacing what the client sent, the single b3 included).</summary>
    public static void WriteB3(IHeaderDictionary headers, in TraceContext context, bool sampled, bool allow64)
    {
        headers.Remove(B3Single);
        headers[B3TraceId] = context.TraceIdHex(allow64);
        headers[B3SpanId] = context.SpanId.ToString("x16");
        if (context.ParentSpanId != 0)
        {
            headers[B3ParentSpanId] = context.ParentSpanId.ToString("x16");
        }
        else
        {
            headers.Remove(B3ParentSpanId);
        }

        headers[B3Sampled] = sampled ? "1" : "0";
    }

    private static bool Hex(ReadOnlySpan<char> text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && IsLowerHex(text);

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F')))
            {
                return false;
            }
        }

        return true;
    }
}
