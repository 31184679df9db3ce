namespace Gateway.Filters.Lua;

/// <summary>An httpCall() the script made: cluster, headers (pseudo-headers included), body, timeout.</summary>
public sealed record LuaHttpCall(string Cluster, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, TimeSpan Timeout, bool Asynchronous);
