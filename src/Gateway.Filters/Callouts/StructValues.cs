using Google.Protobuf.WellKnownTypes;

namespace Gateway.Filters.Callouts;

/// <summary>Converts google.protobuf.Struct to and from the plain values dynamic metadata holds.</summary>
public static class StructValues
{
    public static Dictionary<string, object?> ToDictionary(Struct value)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, field) in value.Fields)
        {
            result[key] = ToObject(field);
        }

        return result;
    }

    public static object? ToObject(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.NumberValue => value.NumberValue,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.StructValue => ToDictionary(value.StructValue),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select(ToObject).ToList(),
        _ => null,
    };

    public static Struct ToStruct(IReadOnlyDictionary<string, object?> values)
    {
        var result = new Struct();
        foreach (var (key, item) in values)
        {
            result.Fields[key] = ToValue(item);
        }

        return result;
    }

    public static Value ToValue(object? item) => item switch
    {
        null => Value.ForNull(),
        string s => Value.ForString(s),
        bool b => Value.ForBool(b),
        double d => Value.ForNumber(d),
        float f => Value.ForNumber(f),
        int i => Value.ForNumber(i),
        long l => Value.ForNumber(l),
        IReadOnlyDictionary<string, object?> map => Value.ForStruct(ToStruct(map)),
        IDictionary<string, object?> map => Value.ForStruct(ToStruct(map.ToDictionary(p => p.Key, p => p.Value))),
        System.Collections.IEnumerable list => Value.ForList(list.Cast<object?>().Select(ToValue).ToArray()),
        _ => Value.ForString(item.ToString() ?? ""),
    };
}
