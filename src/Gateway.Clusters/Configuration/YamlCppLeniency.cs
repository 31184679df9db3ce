using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// The places where yaml-cpp (which Envoy uses) accepts a file that YamlDotNet refuses, each turned
/// into a rewrite of the text that keeps every other character at its line and column:
/// <list type="bullet">
/// <item>A mapping key given twice: yaml-cpp keeps both and Envoy's conversion to a protobuf Struct
/// keeps the last; the earlier key and its value are blanked out (newlines kept) and a warning names it.</item>
/// <item>A continuation line of a multi-line quoted scalar indented no deeper than its key: yaml-cpp
/// reads it, YamlDotNet says "found wrong indentation"; the line is indented one column past the key.
/// Leading white space of a continuation line is folded away, so the value does not change.</item>
/// </list>
/// </summary>
internal static class YamlCppLeniency
{
    public static bool TryRewrite(string text, YamlException error, ConfigLoadContext context, out string rewritten)
    {
        rewritten = text;
        if (error.Message.StartsWith("Duplicate key", StringComparison.Ordinal))
        {
            return TryKeepLastDuplicates(text, context, out rewritten);
        }

        if (error is SyntaxErrorException &&
            error.Message.Contains("quoted scalar, found wrong indentation", StringComparison.Ordinal))
        {
            return TryIndentContinuation(text, (int)error.Start.Line, (int)error.End.Line, out rewritten);
        }

        return false;
    }

    private static bool TryIndentContinuation(string text, int scalarLine, int badLine, out string rewritten)
    {
        rewritten = text;
        if (badLine <= scalarLine)
        {
            return false;
        }

        var lines = text.Split('\n');
        if (badLine > lines.Length)
        {
            return false;
        }

        var keyIndent = KeyColumn(lines[scalarLine - 1]);
        var current = LeadingSpaces(lines[badLine - 1]);
        if (current > keyIndent)
        {
            return false;
        }

        lines[badLine - 1] = new string(' ', keyIndent + 1 - current) + lines[badLine - 1];
        rewritten = string.Join('\n', lines);
        return true;
    }

    /// <summary>The zero-based column of the first key on a line, past any "- " of sequence entries.</summary>
    private static int KeyColumn(string line)
    {
        var i = LeadingSpaces(line);
        while (i + 1 < line.Length && line[i] == '-' && line[i + 1] == ' ')
        {
            i += 2;
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }
        }

        return i;
    }

    private static int LeadingSpaces(string line)
    {
        var n = 0;
        while (n < line.Length && line[n] == ' ')
        {
            n++;
        }

        return n;
    }

    private sealed class Frame(bool isMapping, bool isFlow)
    {
        public bool IsMapping { get; } = isMapping;

        public bool IsFlow { get; } = isFlow;

        public bool ExpectKey { get; set; } = true;

        public string? Key { get; set; }

        public Mark KeyStart { get; set; }

        public Dictionary<string, (Mark Start, Mark End)> Seen { get; } = new(StringComparer.Ordinal);
    }

    private static bool TryKeepLastDuplicates(string text, ConfigLoadContext context, out string rewritten)
    {
        rewritten = text;
        var blank = new List<(Mark Start, Mark End, bool Flow)>();
        var stack = new Stack<(Frame Frame, Mark Start)>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart m:
                        stack.Push((new Frame(true, m.Style == YamlDotNet.Core.Events.MappingStyle.Flow), m.Start));
                        break;
                    case SequenceStart s:
                        stack.Push((new Frame(false, s.Style == YamlDotNet.Core.Events.SequenceStyle.Flow), s.Start));
                        break;
                    case MappingEnd or SequenceEnd:
                        var (_, start) = stack.Pop();
                        Complete(stack, null, start, parser.Current.End, blank, context);
                        break;
                    case Scalar scalar:
                        Complete(stack, scalar.Tag.IsEmpty ? scalar.Value : null, scalar.Start, scalar.End, blank, context);
                        break;
                    case AnchorAlias alias:
                        Complete(stack, null, alias.Start, alias.End, blank, context);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // Another syntax error: leave the text alone and let the strict parse report it.
            return false;
        }

        if (blank.Count == 0)
        {
            return false;
        }

        var chars = text.ToCharArray();
        foreach (var (start, end, flow) in blank)
        {
            var stop = (int)end.Index;
            if (flow)
            {
                // In {a: 1, a: 2} the separator goes with the blanked pair.
                while (stop < chars.Length && chars[stop] is ' ' or '\t' or '\r' or '\n')
                {
                    stop++;
                }

                if (stop < chars.Length && chars[stop] == ',')
                {
                    stop++;
                }
            }

            for (var i = (int)start.Index; i < stop && i < chars.Length; i++)
            {
                if (chars[i] is not '\n' and not '\r')
                {
                    chars[i] = ' ';
                }
            }
        }

        rewritten = new string(chars);
        return true;
    }

    private static void Complete(Stack<(Frame Frame, Mark Start)> stack, string? scalarKey, Mark start, Mark end,
        List<(Mark Start, Mark End, bool Flow)> blank, ConfigLoadContext context)
    {
        if (stack.Count == 0 || !stack.Peek().Frame.IsMapping)
        {
            return;
        }

        var frame = stack.Peek().Frame;
        if (frame.ExpectKey)
        {
            frame.Key = scalarKey;
            frame.KeyStart = start;
            frame.ExpectKey = false;
            return;
        }

        frame.ExpectKey = true;
        if (frame.Key is not { } key)
        {
            return;
        }

        if (frame.Seen.TryGetValue(key, out var earlier))
        {
            blank.Add((earlier.Start, earlier.End, frame.IsFlow));
            context.Warning("", new YamlMark((int)earlier.Start.Line, (int)earlier.Start.Column),
                $"key '{key}' is given again at line {frame.KeyStart.Line}; the later one is used, as Envoy (yaml-cpp) does");
        }

        frame.Seen[key] = (frame.KeyStart, end);
    }
}
