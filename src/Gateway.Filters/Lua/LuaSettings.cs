namespace Gateway.Filters.Lua;

/// <summary>A parsed envoy.extensions.filters.http.lua.v3.Lua: the default script and the named ones routes may pick.</summary>
public sealed record LuaSettings(
    string FilterName,
    LuaScript? DefaultScript,
    IReadOnlyDictionary<string, LuaScript> SourceCodes,
    bool ClearRouteCache,
    string StatPrefix);

/// <summary>envoy.extensions.filters.http.lua.v3.LuaPerRoute: disabled, a source_codes name, or an inline source_code.</summary>
public sealed record LuaPerRouteSettings(bool Disabled, string? Name, LuaScript? SourceCode);
