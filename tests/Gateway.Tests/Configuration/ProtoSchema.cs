namespace Gateway.Tests.Configuration;

/// <summary>One field of a message in a set of .proto files, with its type resolved to a full name.</summary>
public sealed record ProtoField(string Name, int Number, string Type, string Label);

/// <summary>
/// A tiny .proto reader: messages (nested too), their fields (oneof members, maps, repeated), with
/// field types resolved by protobuf's scoping rules. Enough to compare a field table with Envoy's API
/// protos; options, services and comments are skipped.
/// </summary>
public sealed class ProtoSchema
{
    private static readonly HashSet<string> Scalars = new(StringComparer.Ordinal)
    {
        "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
        "sfixed32", "sfixed64", "bool", "string", "bytes",
    };

    private readonly Dictionary<string, List<(string Name, int Number, string RawType, string Label, string Scope)>> _raw = new(StringComparer.Ordinal);
    private readonly HashSet<string> _enums = new(StringComparer.Ordinal);
    private Dictionary<string, IReadOnlyList<ProtoField>>? _resolved;

    public static ProtoSchema Load(IEnumerable<string> protoFiles)
    {
        var schema = new ProtoSchema();
        foreach (var file in protoFiles)
        {
            schema.Read(File.ReadAllText(file));
        }

        return schema;
    }

    public IReadOnlyCollection<string> Messages => _raw.Keys;

    public bool IsEnum(string fullName) => _enums.Contains(fullName);

    public bool TryGetFields(string message, out IReadOnlyList<ProtoField> fields)
    {
        _resolved ??= Resolve();
        if (_resolved.TryGetValue(message, out var found))
        {
            fields = found;
            return true;
        }

        fields = [];
        return false;
    }

    private Dictionary<string, IReadOnlyList<ProtoField>> Resolve()
    {
        var result = new Dictionary<string, IReadOnlyList<ProtoField>>(StringComparer.Ordinal);
        foreach (var (message, fields) in _raw)
        {
            result[message] = fields.Select(f => new ProtoField(f.Name, f.Number, ResolveType(f.RawType, f.Scope), f.Label)).ToArray();
        }

        return result;
    }

    private string ResolveType(string raw, string scope)
    {
        if (raw.StartsWith("map<", StringComparison.Ordinal))
        {
            var inner = raw[4..^1].Split(',', 2);
            return $"map<{ResolveType(inner[0].Trim(), scope)},{ResolveType(inner[1].Trim(), scope)}>";
        }

        if (Scalars.Contains(raw))
        {
            return raw;
        }

        if (raw.StartsWith('.'))
        {
            return raw[1..];
        }

        // The well-known types ship with protoc, not beside Envoy's API.
        if (raw.StartsWith("google.protobuf.", StringComparison.Ordinal))
        {
            return raw;
        }

        // Innermost scope outwards, as protoc resolves a relative name.
        for (var s = scope; ; s = s[..s.LastIndexOf('.')])
        {
            var candidate = s.Length == 0 ? raw : s + "." + raw;
            if (_raw.ContainsKey(candidate) || _enums.Contains(candidate))
            {
                return candidate;
            }

            if (!s.Contains('.'))
            {
                return _raw.ContainsKey(raw) || _enums.Contains(raw) ? raw : "?" + raw;
            }
        }
    }

    private void Read(string text)
    {
        var tokens = Tokenize(text);
        var package = "";
        var i = 0;
        while (i < tokens.Count)
        {
            switch (tokens[i])
            {
                case "package":
                    package = tokens[i + 1];
                    i = SkipStatement(tokens, i);
                    break;
                case "message":
                    i = ReadMessage(tokens, i, package);
                    break;
                case "enum":
                    _enums.Add(Qualify(package, tokens[i + 1]));
                    i = SkipBlock(tokens, i);
                    break;
                case "service" or "extend":
                    i = SkipBlock(tokens, i);
                    break;
                default:
                    i = SkipStatement(tokens, i);
                    break;
            }
        }
    }

    private static string Qualify(string scope, string name) => scope.Length == 0 ? name : scope + "." + name;

    private int ReadMessage(List<string> t, int i, string scope)
    {
        var full = Qualify(scope, t[i + 1]);
        var fields = new List<(string, int, string, string, string)>();
        _raw[full] = fields;
        i += 3; // message Name {
        while (t[i] != "}")
        {
            switch (t[i])
            {
                case "message":
                    i = ReadMessage(t, i, full);
                    continue;
                case "enum":
                    _enums.Add(Qualify(full, t[i + 1]));
                    i = SkipBlock(t, i);
                    continue;
                case "oneof":
                    i += 3;
                    while (t[i] != "}")
                    {
                        if (t[i] == "option")
                        {
                            i = SkipStatement(t, i);
                            continue;
                        }

                        i = ReadField(t, i, full, "oneof", fields);
                    }

                    i++;
                    continue;
                case "option" or "reserved" or "extensions":
                    i = SkipStatement(t, i);
                    continue;
                case "extend":
                    i = SkipBlock(t, i);
                    continue;
                case ";":
                    i++;
                    continue;
            }

            var label = "";
            if (t[i] is "repeated" or "optional" or "required")
            {
                label = t[i];
                i++;
            }

            i = ReadField(t, i, full, label, fields);
        }

        return i + 1;
    }

    private static int ReadField(List<string> t, int i, string scope, string label, List<(string, int, string, string, string)> fields)
    {
        string type;
        if (t[i] == "map")
        {
            // map < K , V > name = N
            type = $"map<{t[i + 2]},{t[i + 4]}>";
            i += 6;
            label = "map";
        }
        else
        {
            type = t[i];
            i++;
        }

        var name = t[i];
        var number = int.Parse(t[i + 2], System.Globalization.CultureInfo.InvariantCulture);
        fields.Add((name, number, type, label, scope));
        return SkipStatement(t, i);
    }

    private static int SkipStatement(List<string> t, int i)
    {
        var depth = 0;
        for (; i < t.Count; i++)
        {
            if (t[i] is "[" or "{" or "(")
            {
                depth++;
            }
            else if (t[i] is "]" or "}" or ")")
            {
                depth--;
            }
            else if (t[i] == ";" && depth == 0)
            {
                return i + 1;
            }
        }

        return i;
    }

    private static int SkipBlock(List<string> t, int i)
    {
        while (t[i] != "{")
        {
            i++;
        }

        var depth = 0;
        for (; i < t.Count; i++)
        {
            if (t[i] == "{")
            {
                depth++;
            }
            else if (t[i] == "}" && --depth == 0)
            {
                return i + 1;
            }
        }

        return i;
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else if (c is '"' or '\'')
            {
                var start = i++;
                while (i < text.Length && text[i] != c)
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                i++;
                tokens.Add(text[start..Math.Min(i, text.Length)]);
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '+')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-' or '+'))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else
            {
                tokens.Add(c.ToString());
                i++;
            }
        }

        return tokens;
    }
}
