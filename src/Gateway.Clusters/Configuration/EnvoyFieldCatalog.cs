namespace Gateway.Clusters.Configuration;

/// <summary>
/// The fields of the Envoy v3 proto messages the config loader reads: name, number, type, and whether
/// this gateway treats the field as inert. One table (<see cref="Table"/>) answers every question the
/// loader asks: is this a field Envoy has at all ("has unknown fields"), is it one Envoy has and this
/// gateway does not implement ("unsupported"), or is it accepted because it changes nothing here.
/// </summary>
/// <remarks>
/// Checked against Envoy's API protos by <c>EnvoyFieldCatalogProtoTests</c>, so the table cannot drift
/// from them silently. Names that are only <c>reserved</c> in v3 (Cluster <c>hosts</c>, ...) are not fields.
/// </remarks>
public static partial class EnvoyFieldCatalog
{
    // Plain dictionaries, parsed on first use: the catalog is read only while a config loads, and
    // Frozen collections cost a cold start several milliseconds to build for no gain there.
    private static readonly Dictionary<string, MessageFields> Catalog = Parse(Table);

    private static readonly HashSet<string> NoFields = new(StringComparer.Ordinal);

    private sealed record MessageFields(IReadOnlyList<EnvoyField> Fields, Dictionary<string, EnvoyField> ByName, HashSet<string> Names);

    /// <summary>Gets every field name of <paramref name="messageType"/> (full proto name).</summary>
    public static bool TryGetFields(string messageType, out IReadOnlySet<string> fields)
    {
        if (messageType is not null && Catalog.TryGetValue(messageType, out var found))
        {
            fields = found.Names;
            return true;
        }

        fields = NoFields;
        return false;
    }

    /// <summary>The fields of <paramref name="messageType"/> in proto order; empty when the type is unknown.</summary>
    public static IReadOnlyList<EnvoyField> Fields(string messageType) =>
        messageType is not null && Catalog.TryGetValue(messageType, out var found) ? found.Fields : [];

    /// <summary>Gets one field of <paramref name="messageType"/>.</summary>
    public static bool TryGetField(string messageType, string field, out EnvoyField? info)
    {
        info = null;
        return messageType is not null && field is not null &&
               Catalog.TryGetValue(messageType, out var found) && found.ByName.TryGetValue(field, out info);
    }

    /// <summary>True when Envoy's <paramref name="messageType"/> has <paramref name="field"/>; false when the type is unknown.</summary>
    public static bool HasField(string messageType, string field) =>
        field is not null && TryGetFields(messageType, out var fields) && fields.Contains(field);

    /// <summary>True when <paramref name="field"/> is accepted without effect here (see the README's list).</summary>
    public static bool IsInert(string messageType, string field) =>
        TryGetField(messageType, field, out var info) && info!.IsInert;

    /// <summary>Every field name of <paramref name="messageType"/>; empty when the type is unknown.</summary>
    public static IEnumerable<string> FieldNames(string messageType) =>
        TryGetFields(messageType, out var fields) ? fields : [];

    /// <summary>True when the catalog has the field list of <paramref name="messageType"/>.</summary>
    public static bool Knows(string messageType) => messageType is not null && Catalog.ContainsKey(messageType);

    /// <summary>Every message type in the catalog.</summary>
    public static IEnumerable<string> MessageTypes => Catalog.Keys;

    private static Dictionary<string, MessageFields> Parse(string table)
    {
        var result = new Dictionary<string, MessageFields>(StringComparer.Ordinal);
        string? message = null;
        var fields = new List<EnvoyField>();
        foreach (var raw in table.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] != ' ')
            {
                Add(result, message, fields);
                message = line.Trim();
                fields = new List<EnvoyField>();
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var type = parts[2];
            var isEnum = type.StartsWith("enum:", StringComparison.Ordinal);
            var flags = parts.AsSpan(3);
            fields.Add(new EnvoyField(
                parts[0],
                int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
                isEnum ? type[5..] : type,
                isEnum,
                flags.Contains("repeated"),
                type.StartsWith("map<", StringComparison.Ordinal),
                flags.Contains("newer"),
                flags.Contains("inert")));
        }

        Add(result, message, fields);
        return result;
    }

    private static void Add(Dictionary<string, MessageFields> result, string? message, List<EnvoyField> fields)
    {
        if (message is null)
        {
            return;
        }

        var byName = new Dictionary<string, EnvoyField>(fields.Count, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            byName[field.Name] = field;
        }

        result[message] = new MessageFields(fields, byName, new HashSet<string>(byName.Keys, StringComparer.Ordinal));
    }
}
