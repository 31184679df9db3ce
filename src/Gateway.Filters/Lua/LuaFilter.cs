using Gateway.Clusters.Stats;
using Microsoft.Extensions.Logging;

namespace Gateway.Filters.Lua;

/// <summary>
/// envoy.filters.http.lua: runs envoy_on_request / envoy_on_response of the route's script (LuaPerRoute
/// name or source_code, else the default) in a Lua 5.4 coroutine per direction. A script error is logged
/// (<c>script log: ...</c>), counted in <c>lua.errors</c>, and the request goes on, as Envoy does.
/// </summary>
public sealed class LuaFilter : IHttpFilter, IReportsStats
{
    private readonly LuaSettings _settings;
    private readonly string _errorsStat;
    private long _errors;

    public LuaFilter(LuaSettings settings, ILogger logger)
    {
        _settings = settings;
        Logger = logger;
        var usesBody = settings.DefaultScript is null || settings.DefaultScript.UsesBody || settings.SourceCodes.Values.Any(s => s.UsesBody);
        Phases = HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders |
                 (usesBody ? HttpFilterPhases.RequestData | HttpFilterPhases.ResponseData : HttpFilterPhases.None);
        _errorsStat = settings.StatPrefix.Length == 0 ? "lua.errors" : $"lua.{settings.StatPrefix}.errors";
    }

    public string Name => _settings.FilterName;

    public HttpFilterPhases Phases { get; }

    public LuaSettings Settings => _settings;

    internal ILogger Logger { get; }

    public long Errors => Interlocked.Read(ref _errors);

    public void ReportStats(IStatsWriter writer) => writer.Counter(_errorsStat, ref _errors);

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new LuaStream(this, context);

    internal void CountError() => Interlocked.Increment(ref _errors);

    /// <summary>The script for this request: LuaPerRoute's source_code or name, else the default; null when disabled or none.</summary>
    internal LuaScript? ScriptFor(HttpFilterContext context)
    {
        if (context.HasPerFilterConfigs && context.PerRouteSettings<LuaPerRouteSettings>(Name) is { } perRoute)
        {
            if (perRoute.Disabled)
            {
                return null;
            }

            if (perRoute.SourceCode is { } inline)
            {
                return inline;
            }

            if (perRoute.Name is { } name)
            {
                // An unknown name runs nothing, as Envoy skips the filter then.
                return _settings.SourceCodes.GetValueOrDefault(name);
            }
        }

        return _settings.DefaultScript;
    }
}
