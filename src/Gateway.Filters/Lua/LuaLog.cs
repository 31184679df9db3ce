using Microsoft.Extensions.Logging;

namespace Gateway.Filters.Lua;

/// <summary>Envoy logs what a script logs, and its errors, as <c>script log: ...</c> under the lua logger.</summary>
internal static partial class LuaLog
{
    [LoggerMessage(EventId = 1, EventName = "LuaScriptLog", Message = "script log: {Message}")]
    public static partial void Script(ILogger logger, LogLevel level, string message);
}
