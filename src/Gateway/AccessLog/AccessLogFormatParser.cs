using System.Text;

namespace Gateway.AccessLog;

/// <summary>
/// Compiles an Envoy format string (<c>[%START_TIME%] "%REQ(:METHOD)% ..."</c>) into segments once
/// per config load. Operators are <c>%NAME%</c>, <c>%NAME(args)%</c> or <c>%NAME(args):N%</c>;
/// anything Envoy would reject is rejected here with the operator and its position.
/// </summary>
public static class AccessLogFormatParser
{
    /// <summary>Envoy's default access log format (with its trailing newline).</summary>
    public const string DefaultFormat =
        "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% " +
        "%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" " +
        "\"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

    private static readonly Dictionary<string, AccessLogField> Fields = new(StringComparer.Ordinal)
    {
        ["PROTOCOL"] = AccessLogField.Protocol,
        ["RESPONSE_CODE"] = AccessLogField.ResponseCode,
        ["RESPONSE_FLAGS"] = AccessLogField.ResponseFlags,
        ["RESPONSE_CODE_DETAILS"] = AccessLogField.ResponseCodeDetails,
        ["BYTES_RECEIVED"] = AccessLogField.BytesReceived,
        ["BYTES_SENT"] = AccessLogField.BytesSent,
        ["DURATION"] = AccessLogField.Duration,
        ["UPSTREAM_HOST"] = AccessLogField.UpstreamHost,
        ["UPSTREAM_CLUSTER"] = AccessLogField.UpstreamCluster,
        ["DOWNSTREAM_REMOTE_ADDRESS"] = AccessLogField.DownstreamRemoteAddress,
        ["DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT"] = AccessLogField.DownstreamRemoteAddressWithoutPort,
        ["DOWNSTREAM_REMOTE_PORT"] = AccessLogField.DownstreamRemotePort,
        ["DOWNSTREAM_DIRECT_REMOTE_ADDRESS"] = AccessLogField.DownstreamRemoteAddress,
        ["DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT"] = AccessLogField.DownstreamRemoteAddressWithoutPort,
        ["DOWNSTREAM_LOCAL_ADDRESS"] = AccessLogField.DownstreamLocalAddress,
        ["DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT"] = AccessLogField.DownstreamLocalAddressWithoutPort,
        ["DOWNSTREAM_LOCAL_PORT"] = AccessLogField.DownstreamLocalPort,
        ["ROUTE_NAME"] = AccessLogField.RouteName,
        ["REQUESTED_SERVER_NAME"] = AccessLogField.RequestedServerName,
    };

    /// <summary>The operators this gateway implements, for error messages.</summary>
    public static string Supported { get; } = string.Join(", ",
        new[] { "START_TIME", "REQ(X?Y):N", "RESP(X?Y):N", "DYNAMIC_METADATA(NS:KEY)", "FILTER_STATE(KEY)", "LOCAL_REPLY_BODY", "HOSTNAME", "ENVIRONMENT(X)" }.Concat(Fields.Keys).Order(StringComparer.Ordinal));

    public static AccessLogSegment[] Parse(string format)
    {
        var segments = new List<AccessLogSegment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }

            var start = i;
            var end = ParseOperator(format, i + 1, out var name, out var args, out var maxLength);
            if (end < 0)
            {
                throw new AccessLogFormatException($"access log format \"{Escape(format)}\": no valid command operator at position {start}; operators look like %NAME%, %NAME(args)% or %NAME(args):N%");
            }

            if (literal.Length > 0)
            {
                segments.Add(new LiteralSegment(literal.ToString()));
                literal.Clear();
            }

            var segment = Create(format, name, args);
            segments.Add(maxLength is { } n ? new TruncatingSegment(segment, n) : segment);
            i = end;
        }

        if (literal.Length > 0)
        {
            segments.Add(new LiteralSegment(literal.ToString()));
        }

        return segments.ToArray();
    }

    /// <summary>Parses <c>NAME(args):N%</c> from <paramref name="i"/>; returns the index after the closing %, or -1.</summary>
    private static int ParseOperator(string format, int i, out string name, out string? args, out int? maxLength)
    {
        name = "";
        args = null;
        maxLength = null;
        var nameStart = i;
        while (i < format.Length && (char.IsAsciiLetterUpper(format[i]) || char.IsAsciiDigit(format[i]) || format[i] == '_'))
        {
            i++;
        }

        if (i == nameStart || i >= format.Length)
        {
            return -1;
        }

        name = format[nameStart..i];
        if (format[i] == '(')
        {
            var close = format.IndexOf(')', i);
            if (close < 0)
            {
                return -1;
            }

            args = format[(i + 1)..close];
            i = close + 1;
        }

        if (i < format.Length && format[i] == ':')
        {
            var digitsStart = ++i;
            while (i < format.Length && char.IsAsciiDigit(format[i]))
            {
                i++;
            }

            if (i == digitsStart || !int.TryParse(format.AsSpan(digitsStart, i - digitsStart), out var n))
            {
                return -1;
            }

            maxLength = n;
        }

        return i < format.Length && format[i] == '%' ? i + 1 : -1;
    }

    private static AccessLogSegment Create(string format, string name, string? args)
    {
        switch (name)
        {
            case "START_TIME":
                return new StartTimeSegment(args);
            case "REQ" or "RESP":
            {
                if (string.IsNullOrEmpty(args))
                {
                    throw new AccessLogFormatException($"access log format \"{Escape(format)}\": %{name}(...)% needs a header name, e.g. %{name}(X-REQUEST-ID)%");
                }

                var alternatives = args.Split('?');
                if (alternatives.Length > 2 || alternatives.Any(a => a.Length == 0))
                {
                    throw new AccessLogFormatException($"access log format \"{Escape(format)}\": %{name}({args})% must name one header or two as X?Y");
                }

                return new HeaderSegment(name == "RESP", alternatives[0], alternatives.Length > 1 ? alternatives[1] : null);
            }

            case "DYNAMIC_METADATA":
            {
                var parts = (args ?? "").Split(':');
                if (parts[0].Length == 0)
                {
                    throw new AccessLogFormatException($"access log format \"{Escape(format)}\": %DYNAMIC_METADATA(...)% needs a namespace, e.g. %DYNAMIC_METADATA(envoy.filters.http.jwt_authn:payload)%");
                }

                return new DynamicMetadataSegment(parts[0], parts[1..]);
            }

            case "FILTER_STATE":
            {
                var parts = (args ?? "").Split(':');
                if (parts[0].Length == 0 || parts.Length > 2 || (parts.Length == 2 && parts[1] is not ("PLAIN" or "TYPED")))
                {
                    throw new AccessLogFormatException($"access log format \"{Escape(format)}\": %FILTER_STATE(KEY)% or %FILTER_STATE(KEY:PLAIN)% expected");
                }

                return new FilterStateSegment(parts[0], parts.Length == 2 && parts[1] == "PLAIN");
            }

            case "LOCAL_REPLY_BODY" when args is null:
                return new LocalReplyBodySegment();
            case "HOSTNAME":
                return new ConstantSegment(Environment.MachineName);
            case "ENVIRONMENT":
                return new ConstantSegment(string.IsNullOrEmpty(args) ? null : Environment.GetEnvironmentVariable(args));
        }

        if (Fields.TryGetValue(name, out var field) && args is null)
        {
            return new FieldSegment(field);
        }

        throw new AccessLogFormatException($"access log format \"{Escape(format)}\": unknown command operator %{name}{(args is null ? "" : $"({args})")}%; supported here: {Supported}");
    }

    private static string Escape(string format) => format.Replace("\n", "\\n", StringComparison.Ordinal);
}
