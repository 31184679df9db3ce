using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Envoy's substitution format syntax (<c>SubstitutionFormatParser</c>), shared by access logs,
/// local reply bodies and header values: <c>%%</c> is a literal <c>%</c>; every other <c>%</c> starts a
/// command <c>%NAME%</c>, <c>%NAME(args)%</c> or <c>%NAME(args):N%</c> whose name must be one this gateway
/// implements. Parsed once per config load; errors use Envoy's wording.
/// </summary>
public static partial class SubstitutionFormatSyntax
{
    private enum Arguments
    {
        None,
        Optional,
        Required,
    }

    /// <summary>Every command operator the gateway formats, with what it takes (Envoy's CommandSyntaxChecker flags).</summary>
    private static readonly Dictionary<string, Arguments> Commands = new(StringComparer.Ordinal)
    {
        ["START_TIME"] = Arguments.Optional,
        ["REQ"] = Arguments.Required,
        ["RESP"] = Arguments.Required,
        ["DYNAMIC_METADATA"] = Arguments.Required,
        ["UPSTREAM_METADATA"] = Arguments.Required,
        ["FILTER_STATE"] = Arguments.Required,
        ["ENVIRONMENT"] = Arguments.Required,
        ["LOCAL_REPLY_BODY"] = Arguments.None,
        ["HOSTNAME"] = Arguments.None,
        ["PROTOCOL"] = Arguments.None,
        ["RESPONSE_CODE"] = Arguments.None,
        ["RESPONSE_FLAGS"] = Arguments.None,
        ["RESPONSE_CODE_DETAILS"] = Arguments.None,
        ["BYTES_RECEIVED"] = Arguments.None,
        ["BYTES_SENT"] = Arguments.None,
        ["DURATION"] = Arguments.None,
        ["UPSTREAM_HOST"] = Arguments.None,
        ["UPSTREAM_CLUSTER"] = Arguments.None,
        ["DOWNSTREAM_REMOTE_ADDRESS"] = Arguments.None,
        ["DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT"] = Arguments.None,
        ["DOWNSTREAM_REMOTE_PORT"] = Arguments.None,
        ["DOWNSTREAM_DIRECT_REMOTE_ADDRESS"] = Arguments.None,
        ["DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT"] = Arguments.None,
        ["DOWNSTREAM_LOCAL_ADDRESS"] = Arguments.None,
        ["DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT"] = Arguments.None,
        ["DOWNSTREAM_LOCAL_PORT"] = Arguments.None,
        ["ROUTE_NAME"] = Arguments.None,
        ["REQUESTED_SERVER_NAME"] = Arguments.None,
    };

    /// <summary>The command names the gateway implements.</summary>
    public static IReadOnlyCollection<string> CommandNames => Commands.Keys;

    /// <summary>True when <paramref name="format"/> holds a command (not just text and <c>%%</c> escapes); cheap, for the plain-value fast path.</summary>
    public static bool MayHoldCommands(string format) => format.Contains('%');

    /// <summary>
    /// Splits <paramref name="format"/> into literal text and checked command operators.
    /// Throws <see cref="SubstitutionFormatException"/> with Envoy's message for a malformed or unknown operator.
    /// </summary>
    public static IReadOnlyList<SubstitutionFormatPart> Parse(string format)
    {
        var parts = new List<SubstitutionFormatPart>();
        var literal = new StringBuilder();
        var pos = 0;
        while (pos < format.Length)
        {
            var c = format[pos];
            if (c != '%')
            {
                literal.Append(c);
                pos++;
                continue;
            }

            if (pos + 1 < format.Length && format[pos + 1] == '%')
            {
                literal.Append('%');
                pos += 2;
                continue;
            }

            var match = CommandPattern().Match(format, pos);
            if (!match.Success)
            {
                throw new SubstitutionFormatException($"Incorrect configuration: {format}. Couldn't find valid command at position {pos}");
            }

            if (literal.Length > 0)
            {
                parts.Add(new SubstitutionFormatPart(literal.ToString(), false));
                literal.Clear();
            }

            var name = match.Groups[1].Value;
            string? args = match.Groups[2].Success ? match.Groups[2].Value : null;
            int? maxLength = null;
            if (match.Groups[3].Success)
            {
                if (!int.TryParse(match.Groups[3].ValueSpan, out var n))
                {
                    throw new SubstitutionFormatException($"Incorrect configuration: {format}. Couldn't find valid command at position {pos}");
                }

                maxLength = n;
            }

            Check(name, args);
            parts.Add(new SubstitutionFormatPart(name, true, args, maxLength));
            pos += match.Length;
        }

        if (literal.Length > 0)
        {
            parts.Add(new SubstitutionFormatPart(literal.ToString(), false));
        }

        return parts;
    }

    /// <summary>The text of a format with no command operators (escapes resolved), or null when it has commands.</summary>
    public static string? AsLiteral(IReadOnlyList<SubstitutionFormatPart> parts)
    {
        if (parts.Any(p => p.IsCommand))
        {
            return null;
        }

        return string.Concat(parts.Select(p => p.Text));
    }

    /// <summary>
    /// Envoy's header_parser translation, on while <c>envoy.reloadable_features.remove_legacy_route_formatter</c>
    /// is false (its default): <c>%UPSTREAM_METADATA(["ns", "key"])%</c> and <c>%DYNAMIC_METADATA([...])%</c>
    /// become the colon form, <c>%PER_REQUEST_STATE(key)%</c> becomes <c>%FILTER_STATE(key:PLAIN)%</c>.
    /// A JSON list that does not parse leaves the whole value untouched, as Envoy does.
    /// </summary>
    public static string TranslateLegacyHeaderFormat(string value)
    {
        if (!value.Contains("_METADATA(", StringComparison.Ordinal) && !value.Contains("PER_REQUEST_STATE(", StringComparison.Ordinal))
        {
            return value;
        }

        var translated = value;
        for (var match = LegacyMetadataPattern().Match(translated); match.Success; match = LegacyMetadataPattern().Match(translated))
        {
            string[]? keys;
            try
            {
                keys = JsonSerializer.Deserialize<string[]>(match.Groups[2].Value);
            }
            catch (JsonException)
            {
                return value;
            }

            if (keys is null || keys.Length == 0)
            {
                return value;
            }

            var replacement = $"%{match.Groups[1].Value}_METADATA({string.Join(':', keys)})%";
            translated = translated.Replace(match.Value, replacement, StringComparison.Ordinal);
        }

        return LegacyPerRequestStatePattern().Replace(translated, m => $"%FILTER_STATE({m.Groups[1].Value}:PLAIN)%");
    }

    private static void Check(string name, string? args)
    {
        if (!Commands.TryGetValue(name, out var arguments))
        {
            throw new SubstitutionFormatException($"Not supported field in StreamInfo: {name}");
        }

        if (arguments == Arguments.None && !string.IsNullOrEmpty(args))
        {
            throw new SubstitutionFormatException($"{name} does not take any parameters or length");
        }

        if (arguments == Arguments.Required && string.IsNullOrEmpty(args))
        {
            throw new SubstitutionFormatException($"{name} requires parameters");
        }

        switch (name)
        {
            case "REQ" or "RESP":
                var alternatives = args!.Split('?');
                if (alternatives.Length > 2)
                {
                    throw new SubstitutionFormatException($"More than 1 alternative header specified in token: {args}");
                }

                if (alternatives.Any(a => a.Length == 0))
                {
                    throw new SubstitutionFormatException($"Invalid header configuration. Format string contains empty header name: {args}");
                }

                break;
            case "FILTER_STATE":
                var pieces = args!.Split(':');
                if (pieces[0].Length == 0 || pieces.Length > 2 || (pieces.Length == 2 && pieces[1] is not ("PLAIN" or "TYPED")))
                {
                    throw new SubstitutionFormatException("Invalid filter state serialize type, only support PLAIN/TYPED.");
                }

                break;
            case "DYNAMIC_METADATA" or "UPSTREAM_METADATA":
                if (args!.Split(':')[0].Length == 0)
                {
                    throw new SubstitutionFormatException($"{name} requires parameters");
                }

                break;
        }
    }

    // Envoy's commandWithArgsRegex, anchored at the current position.
    [GeneratedRegex(@"\G%([A-Z0-9_]+)(?:\((.*?)\))?(?::([0-9]+))?%", RegexOptions.CultureInvariant)]
    private static partial Regex CommandPattern();

    [GeneratedRegex(@"%(UPSTREAM|DYNAMIC)_METADATA\(\s*(\[(?:.|\r?\n)+?\]\s*)\)%", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyMetadataPattern();

    [GeneratedRegex(@"%PER_REQUEST_STATE\((.+?)\)%", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyPerRequestStatePattern();
}
