using Microsoft.Extensions.Logging;

namespace Gateway.Filters.Lua;

/// <summary>What the native functions of a Lua state act on while it runs one request's coroutine.</summary>
public sealed class LuaRequestContext(HttpFilterContext context, ILogger logger)
{
    public HttpFilterContext Context { get; } = context;

    public ILogger Logger { get; } = logger;

    /// <summary>The request had no body (end of stream with the headers): body() is nil.</summary>
    public bool RequestEnded { get; set; }

    public bool ResponseEnded { get; set; }

    /// <summary>The whole request body, once buffered.</summary>
    public BodyBuffer? RequestBody { get; set; }

    public BodyBuffer? ResponseBody { get; set; }

    public LuaHttpCall? PendingCall { get; set; }

    public LocalReplyData? Reply { get; set; }

    /// <summary>The script changed request headers (the route is selected again, as Envoy's clear_route_cache).</summary>
    public bool RequestHeadersChanged { get; set; }
}
