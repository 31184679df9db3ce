using Gateway.Clusters.Configuration;

namespace Gateway.AccessLog;

/// <summary>
/// Compiles an Envoy format string (<c>[%START_TIME%] "%REQ(:METHOD)% ..."</c>) into segments once
/// per config load. The syntax (<c>%NAME(args):N%</c>, <c>%%</c>, which names exist) is
/// <see cref="SubstitutionFormatSyntax"/>'s, shared with header values; this builds the segments.
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

    /// <summary>Compiles <paramref name="format"/>; a format Envoy would refuse throws <see cref="AccessLogFormatException"/> with Envoy's message.</summary>
    public static AccessLogSegment[] Parse(string format)
    {
        IReadOnlyList<SubstitutionFormatPart> parts;
        try
        {
            parts = SubstitutionFormatSyntax.Parse(format);
        }
        catch (SubstitutionFormatException e)
        {
            throw new AccessLogFormatException($"access log format \"{Escape(format)}\": {e.Message}");
        }

        return FromParts(parts);
    }

    /// <summary>Builds the segments of a format the shared syntax already parsed and checked (header values are parsed by the config reader).</summary>
    public static AccessLogSegment[] FromParts(IReadOnlyList<SubstitutionFormatPart> parts)
    {
        var segments = new AccessLogSegment[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (!part.IsCommand)
            {
                segments[i] = new LiteralSegment(part.Text);
                continue;
            }

            var segment = Create(part.Text, part.Args);
            segments[i] = part.MaxLength is { } n ? new TruncatingSegment(segment, n) : segment;
        }

        return segments;
    }

    private static AccessLogSegment Create(string name, string? args)
    {
        switch (name)
        {
            case "START_TIME":
                return new StartTimeSegment(args);
            case "REQ" or "RESP":
            {
                var alternatives = args!.Split('?');
                return new HeaderSegment(name == "RESP", alternatives[0], alternatives.Length > 1 ? alternatives[1] : null);
            }

            case "DYNAMIC_METADATA":
            {
                var parts = args!.Split(':');
                return new DynamicMetadataSegment(parts[0], parts[1..]);
            }

            case "UPSTREAM_METADATA":
            {
                var parts = args!.Split(':');
                return new UpstreamMetadataSegment(parts[0], parts[1..]);
            }

            case "FILTER_STATE":
            {
                var parts = args!.Split(':');
                return new FilterStateSegment(parts[0], parts.Length == 2 && parts[1] == "PLAIN");
            }

            case "LOCAL_REPLY_BODY":
                return new LocalReplyBodySegment();
            case "HOSTNAME":
                return new ConstantSegment(Environment.MachineName);
            case "ENVIRONMENT":
                return new ConstantSegment(Environment.GetEnvironmentVariable(args!));
        }

        // The shared syntax admits only names the gateway implements; a name missing here is a bug in this table.
        return Fields.TryGetValue(name, out var field)
            ? new FieldSegment(field)
            : throw new InvalidOperationException($"command operator {name} is admitted by SubstitutionFormatSyntax but has no segment");
    }

    private static string Escape(string format) => format.Replace("\n", "\\n", StringComparison.Ordinal);
}
