using System.Globalization;
using System.Text;
using Gateway.AccessLog;
using Gateway.Clusters.Model;

namespace Gateway.Network;

/// <summary>
/// A tcp_proxy access_log format, compiled once per config load. The connection-level command
/// operators are filled (addresses, bytes, duration, upstream, SNI, flags); request and response
/// operators (REQ, RESP, PROTOCOL, ...) print <c>-</c>, as Envoy prints them for TCP.
/// </summary>
internal sealed class TcpAccessLogFormat
{
    private readonly Action<StringBuilder, TcpSessionRecord>[] _parts;
    private readonly (string Key, Action<StringBuilder, TcpSessionRecord>[] Parts, bool Number)[]? _json;

    public TcpAccessLogFormat(AccessLogConfig config)
    {
        if (config.JsonFormat is { } json)
        {
            _parts = [];
            _json = json.Select(p => (p.Key, Compile(p.Value), IsNumber(p.Value))).ToArray();
        }
        else
        {
            _parts = Compile(config.TextFormat ?? AccessLogFormatParser.DefaultFormat);
        }
    }

    public void Format(StringBuilder text, TcpSessionRecord record)
    {
        if (_json is null)
        {
            foreach (var part in _parts)
            {
                part(text, record);
            }

            return;
        }

        var values = new Dictionary<string, object?>(_json.Length, StringComparer.Ordinal);
        var scratch = new StringBuilder();
        foreach (var (key, parts, number) in _json)
        {
            scratch.Clear();
            foreach (var part in parts)
            {
                part(scratch, record);
            }

            var value = scratch.ToString();
            values[key] = value == "-" ? null : number && long.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : value;
        }

        text.Append(AccessLog.UntypedJson.Serialize(values)).Append('\n');
    }

    private static bool IsNumber(string format) =>
        format.Trim() is "%BYTES_RECEIVED%" or "%BYTES_SENT%" or "%DURATION%" or "%UPSTREAM_REQUEST_ATTEMPT_COUNT%" or "%RESPONSE_CODE%";

    private static Action<StringBuilder, TcpSessionRecord>[] Compile(string format)
    {
        var parts = new List<Action<StringBuilder, TcpSessionRecord>>();
        var i = 0;
        while (i < format.Length)
        {
            var start = format.IndexOf('%', i);
            var end = start < 0 ? -1 : format.IndexOf('%', start + 1);
            if (start < 0 || end < 0)
            {
                var tail = format[i..];
                parts.Add((t, _) => t.Append(tail));
                break;
            }

            if (start > i)
            {
                var literal = format[i..start];
                parts.Add((t, _) => t.Append(literal));
            }

            var op = format[(start + 1)..end];
            parts.Add(end == start + 1 ? (t, _) => t.Append('%') : Operator(op));
            i = end + 1;
        }

        return [.. parts];
    }

    private static Action<StringBuilder, TcpSessionRecord> Operator(string op)
    {
        var paren = op.IndexOf('(');
        var name = paren < 0 ? op : op[..paren];
        var arg = paren < 0 ? null : op[(paren + 1)..op.LastIndexOf(')')];
        return name switch
        {
            "START_TIME" when arg is { Length: > 0 } => StartTime(StrftimeFormat.Compile(arg)),
            "START_TIME" => static (t, r) => t.Append(r.StartTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            "DURATION" => static (t, r) => t.Append(r.DurationMs),
            "BYTES_RECEIVED" => static (t, r) => t.Append(r.BytesReceived),
            "BYTES_SENT" => static (t, r) => t.Append(r.BytesSent),
            "RESPONSE_CODE" => static (t, _) => t.Append('0'),
            "RESPONSE_FLAGS" => static (t, r) => t.Append(r.ResponseFlags),
            "UPSTREAM_HOST" => static (t, r) => t.Append(r.UpstreamHost ?? "-"),
            "UPSTREAM_CLUSTER" => static (t, r) => t.Append(r.Cluster ?? "-"),
            "UPSTREAM_LOCAL_ADDRESS" => static (t, r) => t.Append(r.UpstreamLocalAddress ?? "-"),
            "DOWNSTREAM_REMOTE_ADDRESS" => static (t, r) => t.Append(r.Downstream.RemoteEndPoint),
            "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT" => static (t, r) => t.Append(r.Downstream.RemoteEndPoint.Address),
            "DOWNSTREAM_REMOTE_PORT" => static (t, r) => t.Append(r.Downstream.RemoteEndPoint.Port),
            "DOWNSTREAM_DIRECT_REMOTE_ADDRESS" => static (t, r) => t.Append(r.Downstream.DirectRemoteEndPoint),
            "DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT" => static (t, r) => t.Append(r.Downstream.DirectRemoteEndPoint.Address),
            "DOWNSTREAM_LOCAL_ADDRESS" => static (t, r) => t.Append(r.Downstream.LocalEndPoint),
            "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT" => static (t, r) => t.Append(r.Downstream.LocalEndPoint.Address),
            "DOWNSTREAM_LOCAL_PORT" => static (t, r) => t.Append(r.Downstream.LocalEndPoint.Port),
            "REQUESTED_SERVER_NAME" => static (t, r) => t.Append(r.Downstream.ServerName ?? "-"),
            "CONNECTION_TERMINATION_DETAILS" => static (t, r) => t.Append(r.TerminationDetails ?? "-"),
            "UPSTREAM_TRANSPORT_FAILURE_REASON" => static (t, _) => t.Append('-'),
            "HOSTNAME" => static (t, _) => t.Append(Environment.MachineName),
            _ => static (t, _) => t.Append('-'),
        };
    }

    private static Action<StringBuilder, TcpSessionRecord> StartTime(StrftimeFormat format) =>
        (t, r) => format.Append(t, r.StartTime.UtcDateTime);
}
