using System.Collections;
using System.Globalization;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace Gateway.Filters.Lua;

/// <summary>Moves plain values (strings, numbers, booleans, maps, lists) between Lua tables and .NET.</summary>
internal static class LuaValues
{
    private const int MaxDepth = 16;

    public static void Push(LuaState l, object? value, int depth = 0)
    {
        switch (value)
        {
            case null:
                l.PushNil();
                break;
            case string s:
                l.PushString(s);
                break;
            case bool b:
                l.PushBoolean(b);
                break;
            case int or long:
                l.PushInteger(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (d == Math.Floor(d) && Math.Abs(d) < 9e15)
                {
                    l.PushInteger((long)d);
                }
                else
                {
                    l.PushNumber(d);
                }

                break;
            case IEnumerable<KeyValuePair<string, object?>> map when depth < MaxDepth:
                l.NewTable();
                foreach (var (key, item) in map)
                {
                    Push(l, item, depth + 1);
                    l.SetField(-2, key);
                }

                break;
            case IEnumerable list when value is not string && depth < MaxDepth:
                l.NewTable();
                var i = 0;
                foreach (var item in list)
                {
                    Push(l, item, depth + 1);
                    l.RawSetInteger(-2, ++i);
                }

                break;
            default:
                l.PushString(value.ToString() ?? "");
                break;
        }
    }

    /// <summary>The value at <paramref name="index"/>: a table with 1..n keys becomes a list, any other a map.</summary>
    public static object? Read(LuaState l, int index, int depth)
    {
        index = l.AbsIndex(index);
        switch (l.Type(index))
        {
            case LuaType.String:
                return l.ToString(index, false);
            case LuaType.Number:
                return l.IsInteger(index) ? l.ToInteger(index) : l.ToNumber(index);
            case LuaType.Boolean:
                return l.ToBoolean(index);
            case LuaType.Table when depth < MaxDepth:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                var list = new List<object?>();
                var isList = true;
                l.PushNil();
                while (l.Next(index))
                {
                    // Keys are read by type, never converted in place (that would break Next).
                    if (l.Type(-2) == LuaType.Number && l.IsInteger(-2) && l.ToInteger(-2) == list.Count + 1 && isList)
                    {
                        list.Add(Read(l, -1, depth + 1));
                    }
                    else
                    {
                        isList = false;
                        var key = l.Type(-2) == LuaType.String ? l.ToString(-2, false) : l.Type(-2) == LuaType.Number ? l.ToNumber(-2).ToString(CultureInfo.InvariantCulture) : null;
                        if (key is not null)
                        {
                            map[key] = Read(l, -1, depth + 1);
                        }
                    }

                    l.Pop(1);
                }

                if (isList && list.Count > 0)
                {
                    return list;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    map[(i + 1).ToString(CultureInfo.InvariantCulture)] = list[i];
                }

                return map;
            default:
                return null;
        }
    }

    /// <summary>A headers table (name → string, or name → list of strings), names lower-cased.</summary>
    public static List<KeyValuePair<string, string>> ReadHeaders(LuaState l, int index)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (Read(l, index, 0) is not Dictionary<string, object?> map)
        {
            return result;
        }

        foreach (var (key, value) in map)
        {
            var name = key.ToLowerInvariant();
            if (value is List<object?> values)
            {
                result.AddRange(values.Select(v => new KeyValuePair<string, string>(name, Convert.ToString(v, CultureInfo.InvariantCulture) ?? "")));
            }
            else if (value is not null and not Dictionary<string, object?>)
            {
                result.Add(new(name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
            }
        }

        return result;
    }
}
