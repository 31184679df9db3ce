using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Parses envoy.yaml into a YAML tree the way Envoy's yaml-cpp does where YamlDotNet is stricter
/// (see <see cref="YamlCppLeniency"/>), and reports a syntax error at the character that caused it.
/// </summary>
/// <remarks>
/// The strict parse runs first and alone; the lenient rewrites run only after it fails, so a valid file
/// costs one parse.
/// </remarks>
public static class YamlDocumentReader
{
    // Each rewrite fixes one spot; a file with more than this many is not worth rescuing.
    private const int MaxRewrites = 64;

    public static YamlMappingNode? Parse(string yaml, ConfigLoadContext context)
    {
        if (yaml.Contains('\0', StringComparison.Ordinal))
        {
            context.Error("", YamlMark.None, "the file is binary, not YAML; point -c at your envoy.yaml");
            return null;
        }

        var text = yaml;
        YamlStream? stream = null;
        for (var attempt = 0; stream is null; attempt++)
        {
            try
            {
                var candidate = new YamlStream();
                candidate.Load(new StringReader(text));
                stream = candidate;
            }
            catch (YamlException e) when (attempt < MaxRewrites && YamlCppLeniency.TryRewrite(text, e, context, out var rewritten))
            {
                text = rewritten;
            }
            catch (YamlException e)
            {
                ReportSyntaxError(e, context);
                return null;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                // YamlDotNet's scanner throws these, without a position, on some unterminated flow
                // collections; find the position by scanning again token by token.
                var (mark, message) = LocateScannerFailure(text);
                context.Error("", mark, $"invalid YAML: {message}");
                return null;
            }
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            context.Error("", YamlMark.None, "the config file is empty; it needs at least static_resources");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            context.Error("", YamlMark.Of(stream.Documents[1].RootNode), "the file holds more than one YAML document; Envoy reads exactly one");
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode map)
        {
            context.Error("", YamlMark.Of(stream.Documents[0].RootNode), "the top level must be a mapping (admin:, static_resources:, ...)");
            return null;
        }

        return map;
    }

    private static void ReportSyntaxError(YamlException e, ConfigLoadContext context)
    {
        var message = e.InnerException?.Message ?? e.Message;
        // YamlDotNet prefixes its own (Line, Col...) range; the mark below says the same more simply.
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && close > 0)
        {
            message = message[(close + 3)..];
        }

        // A scanner error's Start is where the token began and its End the character that broke it
        // (a tab, a badly indented line); point at that character and say where the token began.
        if (e is SyntaxErrorException && e.End.Line > 0 && e.End != e.Start)
        {
            context.Error("", new YamlMark((int)e.End.Line, (int)e.End.Column),
                $"invalid YAML: {message.TrimEnd('.')} (in the token that starts at line {e.Start.Line}, column {e.Start.Column})");
            return;
        }

        context.Error("", new YamlMark((int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {message}");
    }

    private static (YamlMark Mark, string Message) LocateScannerFailure(string text)
    {
        var open = new Stack<(char Bracket, Mark Start)>();
        var last = Mark.Empty;
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        try
        {
            while (scanner.MoveNext())
            {
                var token = scanner.Current!;
                last = token.End;
                switch (token)
                {
                    case FlowSequenceStart:
                        open.Push(('[', token.Start));
                        break;
                    case FlowMappingStart:
                        open.Push(('{', token.Start));
                        break;
                    case FlowSequenceEnd or FlowMappingEnd when open.Count > 0:
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (e is YamlException yaml)
            {
                return (new YamlMark((int)yaml.Start.Line, (int)yaml.Start.Column), yaml.Message);
            }
        }

        if (open.Count > 0)
        {
            var (bracket, start) = open.Peek();
            var closing = bracket == '[' ? ']' : '}';
            return (new YamlMark((int)start.Line, (int)start.Column),
                $"the '{bracket}' here is never closed; add the matching '{closing}' (a flow collection must be closed before the block around it goes on)");
        }

        return (new YamlMark((int)last.Line, (int)last.Column), "the YAML scanner stopped after this point; check the quoting and brackets that follow");
    }
}
