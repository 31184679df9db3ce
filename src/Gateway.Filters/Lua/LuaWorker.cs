using System.Globalization;
using System.Reflection;
using System.Text;
using KeraLua;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using LuaState = KeraLua.Lua;

namespace Gateway.Filters.Lua;

/// <summary>
/// One Lua 5.4 state running one script, with the native half of Envoy's stream handle API. The native
/// functions never raise Lua errors or yield (both would unwind native frames across managed ones):
/// they return (ok, message) and the Lua prelude raises or yields. Used by one request at a time.
/// </summary>
internal sealed class LuaWorker : IDisposable
{
    private static readonly byte[] Prelude = LoadPrelude();

    private readonly LuaState _state;

    // The delegates must live as long as the state: Lua holds only their function pointers.
    private readonly List<LuaFunction> _natives = [];

    public LuaWorker(LuaScript script)
    {
        _state = new LuaState(openLibs: true);
        try
        {
            if (script.Directory is { } directory)
            {
                var path = directory.Replace("\\", "/", StringComparison.Ordinal);
                Check(_state.LoadString($"package.path = {Quote(path + "/?.lua;" + path + "/?/init.lua;")} .. package.path"), "package.path");
                Check(_state.PCall(0, 0, 0), "package.path");
            }

            if (_state.LoadBuffer(Prelude, "envoy_prelude") != LuaStatus.OK)
            {
                throw new LuaLoadException(_state.ToString(-1, false) ?? "prelude failed to load");
            }

            PushNatives();
            Check(_state.PCall(1, 0, 0), "prelude");
            Check(_state.LoadString(script.Code, "script"), "load");
            Check(_state.PCall(0, 0, 0), "run");
        }
        catch
        {
            _state.Dispose();
            throw;
        }
    }

    /// <summary>The request whose coroutine runs on this state now.</summary>
    public LuaRequestContext? Current { get; set; }

    /// <summary>The state cannot be trusted any more (out of memory); it is not returned to the pool.</summary>
    public bool Broken { get; private set; }

    public bool HasFunction(string name)
    {
        var type = _state.GetGlobal(name);
        _state.Pop(1);
        return type == LuaType.Function;
    }

    /// <summary>Starts <paramref name="function"/> (envoy_on_request/response) in a new coroutine and runs it until it finishes or waits.</summary>
    public LuaRun Start(string direction, string function)
    {
        var thread = _state.NewThread();
        var reference = _state.Ref(LuaRegistry.Index);
        var run = new LuaRun(this, thread, reference);
        thread.GetGlobal("__envoy_run");
        thread.PushString(direction);
        thread.PushString(function);
        run.Resume(2);
        return run;
    }

    internal void Release(int reference) => _state.Unref(LuaRegistry.Index, reference);

    internal void MarkBroken() => Broken = true;

    public void Dispose() => _state.Dispose();

    private void Check(LuaStatus status, string what)
    {
        if (status != LuaStatus.OK)
        {
            var message = _state.ToString(-1, false) ?? what + " failed";
            _state.Pop(1);
            throw new LuaLoadException(message);
        }
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static byte[] LoadPrelude()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Gateway.Filters.Lua.LuaPrelude.lua")
            ?? throw new InvalidOperationException("the Lua prelude is not embedded");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private void PushNatives()
    {
        _state.NewTable();
        Add("h_get", HeaderGet);
        Add("h_at", HeaderAt);
        Add("h_count", HeaderCount);
        Add("h_add", HeaderAdd);
        Add("h_replace", HeaderReplace);
        Add("h_remove", HeaderRemove);
        Add("h_list", HeaderList);
        Add("body_state", BodyState);
        Add("body_len", BodyLength);
        Add("body_get", BodyGet);
        Add("body_set", BodySet);
        Add("trailers_has", TrailersHas);
        Add("dyn_get", DynamicGet);
        Add("dyn_set", DynamicSet);
        Add("dyn_all", DynamicAll);
        Add("si", StreamInfo);
        Add("metadata_get", l => { LuaState.FromIntPtr(l).PushNil(); return 1; });
        Add("conn_ssl", ConnectionSsl);
        Add("log", Log);
        Add("call_prepare", CallPrepare);
        Add("respond", Respond);
        Add("clear_route_cache", ClearRouteCache);
        Add("base64", Base64);
        Add("timestamp", Timestamp);
    }

    private void Add(string name, Func<IntPtr, int> body)
    {
        // Every native catches everything: a managed exception must never cross into Lua.
        LuaFunction function = l =>
        {
            try
            {
                return body(l);
            }
            catch (Exception e)
            {
                var state = LuaState.FromIntPtr(l);
                state.PushBoolean(false);
                state.PushString(e.Message);
                return 2;
            }
        };
        _natives.Add(function);
        _state.PushCFunction(function);
        _state.SetField(-2, name);
    }

    private LuaRequestContext Ctx => Current ?? throw new InvalidOperationException("no request is running on this Lua state");

    private static int Ok(LuaState l)
    {
        l.PushBoolean(true);
        return 1;
    }

    private static int Fail(LuaState l, string message)
    {
        l.PushBoolean(false);
        l.PushString(message);
        return 2;
    }

    private static string? StringArg(LuaState l, int index) =>
        l.Type(index) is LuaType.String or LuaType.Number ? l.ToString(index, false) : null;

    // ------------------------------------------------------------------ headers

    private (IHeaderDictionary? Headers, bool Request) HeadersOf(string which)
    {
        var http = Ctx.Context.HttpContext;
        return which switch
        {
            "request" => (http.Request.Headers, true),
            "response" => (http.Response.Headers, false),
            "request_trailers" => (http.Features.Get<IHttpRequestTrailersFeature>() is { Available: true } t ? t.Trailers : null, false),
            "response_trailers" => (http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers, false),
            _ => (null, false),
        };
    }

    private string? PseudoGet(string which, string key)
    {
        var http = Ctx.Context.HttpContext;
        if (which == "request")
        {
            return key switch
            {
                ":path" => http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path + http.Request.QueryString,
                ":method" => http.Request.Method,
                ":authority" => http.Request.Host.Value,
                ":scheme" => http.Request.Scheme,
                _ => null,
            };
        }

        return which == "response" && key == ":status" ? http.Response.StatusCode.ToString(CultureInfo.InvariantCulture) : null;
    }

    private int HeaderGet(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var which = l.ToString(1, false) ?? "";
        var key = StringArg(l, 2)?.ToLowerInvariant() ?? "";
        string? value;
        if (key.StartsWith(':'))
        {
            value = PseudoGet(which, key);
        }
        else
        {
            var (headers, _) = HeadersOf(which);
            var values = headers is null ? default : headers[key];
            value = values.Count == 0 ? null : values.Count == 1 ? values[0] : string.Join(",", (IEnumerable<string?>)values);
        }

        if (value is null)
        {
            l.PushNil();
        }
        else
        {
            l.PushString(value);
        }

        return 1;
    }

    private int HeaderAt(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var (headers, _) = HeadersOf(l.ToString(1, false) ?? "");
        var key = StringArg(l, 2)?.ToLowerInvariant() ?? "";
        var index = (int)l.ToInteger(3);
        var values = headers is null ? default : headers[key];
        if (index >= 0 && index < values.Count)
        {
            l.PushString(values[index]);
        }
        else
        {
            l.PushNil();
        }

        return 1;
    }

    private int HeaderCount(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var (headers, _) = HeadersOf(l.ToString(1, false) ?? "");
        var key = StringArg(l, 2)?.ToLowerInvariant() ?? "";
        l.PushInteger(headers is null ? 0 : headers[key].Count);
        return 1;
    }

    private int HeaderAdd(IntPtr p) => Mutate(p, static (headers, key, value) => headers.Append(key, value));

    private int HeaderReplace(IntPtr p) => Mutate(p, static (headers, key, value) => headers[key] = value);

    private int HeaderRemove(IntPtr p) => Mutate(p, static (headers, key, _) => headers.Remove(key), valueRequired: false);

    private int Mutate(IntPtr p, Action<IHeaderDictionary, string, string> change, bool valueRequired = true)
    {
        var l = LuaState.FromIntPtr(p);
        var which = l.ToString(1, false) ?? "";
        var key = StringArg(l, 2)?.ToLowerInvariant();
        var value = StringArg(l, 3);
        if (key is null || (valueRequired && value is null))
        {
            return Fail(l, "header key and value must be strings");
        }

        var http = Ctx.Context.HttpContext;
        if (key.StartsWith(':'))
        {
            return SetPseudo(l, which, key, value) ? Ok(l) : Fail(l, $"header '{key}' cannot be changed");
        }

        var (headers, request) = HeadersOf(which);
        if (headers is null || (!request && which == "response" && http.Response.HasStarted))
        {
            return Fail(l, "headers cannot be modified at this point");
        }

        change(headers, key, value ?? "");
        if (request)
        {
            Ctx.RequestHeadersChanged = true;
        }

        return Ok(l);
    }

    private bool SetPseudo(LuaState l, string which, string key, string? value)
    {
        var http = Ctx.Context.HttpContext;
        if (value is null)
        {
            return false;
        }

        if (which == "response" && key == ":status" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && !http.Response.HasStarted)
        {
            http.Response.StatusCode = status;
            return true;
        }

        if (which != "request")
        {
            return false;
        }

        switch (key)
        {
            case ":path":
                if (http.Features.Get<IHttpRequestFeature>() is { } feature)
                {
                    feature.RawTarget = value;
                }

                var query = value.IndexOf('?');
                http.Request.Path = new PathString(query < 0 ? value : value[..query]);
                http.Request.QueryString = new QueryString(query < 0 ? "" : value[query..]);
                break;
            case ":method":
                http.Request.Method = value;
                break;
            case ":authority":
                http.Request.Host = new HostString(value);
                break;
            default:
                return false;
        }

        Ctx.RequestHeadersChanged = true;
        return true;
    }

    private int HeaderList(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var which = l.ToString(1, false) ?? "";
        l.NewTable();
        var i = 0;
        foreach (var pseudo in which == "request" ? (string[])[":authority", ":path", ":method", ":scheme"] : which == "response" ? [":status"] : [])
        {
            if (PseudoGet(which, pseudo) is { } value)
            {
                PushPair(l, ++i, pseudo, value);
            }
        }

        var (headers, _) = HeadersOf(which);
        if (headers is not null)
        {
            foreach (var (name, values) in headers)
            {
                foreach (var value in values)
                {
                    PushPair(l, ++i, name.ToLowerInvariant(), value ?? "");
                }
            }
        }

        return 1;
    }

    private static void PushPair(LuaState l, int index, string key, string value)
    {
        l.CreateTable(2, 0);
        l.PushString(key);
        l.RawSetInteger(-2, 1);
        l.PushString(value);
        l.RawSetInteger(-2, 2);
        l.RawSetInteger(-2, index);
    }

    // ------------------------------------------------------------------ body

    private BodyBuffer? BodyOf(string dir) => dir == "request" ? Ctx.RequestBody : Ctx.ResponseBody;

    /// <summary>0: the body is here; 1: it must be waited for (the prelude yields); 2: there is none (nil).</summary>
    private int BodyState(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var dir = l.ToString(1, false) ?? "";
        var ended = dir == "request" ? Ctx.RequestEnded : Ctx.ResponseEnded;
        l.PushInteger(BodyOf(dir) is not null ? 0 : ended ? 2 : 1);
        return 1;
    }

    private int BodyLength(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        l.PushInteger(BodyOf(l.ToString(1, false) ?? "")?.Length ?? 0);
        return 1;
    }

    private int BodyGet(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var body = BodyOf(l.ToString(1, false) ?? "");
        var length = body?.Length ?? 0;
        var start = (int)Math.Clamp(l.ToInteger(2), 0, length);
        var count = (int)Math.Clamp(l.ToInteger(3), 0, length - start);
        l.PushBuffer(body is null ? [] : body.Memory.Slice(start, count).ToArray());
        return 1;
    }

    private int BodySet(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var body = BodyOf(l.ToString(1, false) ?? "");
        var data = l.Type(2) is LuaType.String or LuaType.Number ? l.ToBuffer(2, false) : null;
        if (body is null || data is null)
        {
            return Fail(l, "setBytes() needs a string");
        }

        body.Replace(data);
        l.PushInteger(body.Length);
        return 1;
    }

    private int TrailersHas(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var http = Ctx.Context.HttpContext;
        var has = l.ToString(1, false) == "request"
            ? http.Features.Get<IHttpRequestTrailersFeature>() is { Available: true } t && t.Trailers.Count > 0
            : http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { Count: > 0 };
        l.PushBoolean(has);
        return 1;
    }

    // ------------------------------------------------------------------ stream info, metadata

    private int DynamicGet(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var ns = StringArg(l, 1) ?? "";
        if (Ctx.Context.DynamicMetadataOrNull?.Get(ns) is { } map)
        {
            LuaValues.Push(l, map);
        }
        else
        {
            l.PushNil();
        }

        return 1;
    }

    private int DynamicSet(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var ns = StringArg(l, 1);
        var key = StringArg(l, 2);
        if (ns is null || key is null)
        {
            return Fail(l, "dynamicMetadata():set(namespace, key, value) needs strings for namespace and key");
        }

        Ctx.Context.DynamicMetadata.Set(ns, key, LuaValues.Read(l, 3, 0));
        return Ok(l);
    }

    private int DynamicAll(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        l.NewTable();
        if (Ctx.Context.DynamicMetadataOrNull is { } metadata)
        {
            foreach (var (ns, map) in metadata.Namespaces)
            {
                LuaValues.Push(l, map);
                l.SetField(-2, ns);
            }
        }

        return 1;
    }

    private int StreamInfo(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var http = Ctx.Context.HttpContext;
        var connection = http.Connection;
        string? value = l.ToString(1, false) switch
        {
            "protocol" => http.Request.Protocol,
            "local" => $"{connection.LocalIpAddress}:{connection.LocalPort}",
            "remote" => $"{connection.RemoteIpAddress}:{connection.RemotePort}",
            "sni" => http.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>()?.HostName ?? "",
            "route" => Ctx.Context.RouteEntry?.Name ?? "",
            _ => null,
        };
        if (value is null)
        {
            l.PushNil();
        }
        else
        {
            l.PushString(value);
        }

        return 1;
    }

    private int ConnectionSsl(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        if (Ctx.Context.HttpContext.Request.IsHttps)
        {
            l.NewTable();
        }
        else
        {
            l.PushNil();
        }

        return 1;
    }

    private int Log(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var level = (int)l.ToInteger(1) switch
        {
            0 => LogLevel.Trace,
            1 => LogLevel.Debug,
            2 => LogLevel.Information,
            3 => LogLevel.Warning,
            4 => LogLevel.Error,
            _ => LogLevel.Critical,
        };
        var logger = Ctx.Logger;
        if (logger.IsEnabled(level))
        {
            var message = l.Type(2) == LuaType.Nil ? "nil" : l.ToString(2, false) ?? "";
            LuaLog.Script(logger, level, message);
        }

        return 0;
    }

    // ------------------------------------------------------------------ calls and replies

    private int CallPrepare(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var cluster = StringArg(l, 1);
        if (cluster is null)
        {
            return Fail(l, "http call cluster invalid. Must be configured");
        }

        if (!Ctx.Context.Clusters.TryGet(cluster, out _))
        {
            return Fail(l, $"http call cluster invalid. Must be configured: {cluster}");
        }

        if (l.Type(2) != LuaType.Table)
        {
            return Fail(l, "http call headers must be a table");
        }

        var headers = LuaValues.ReadHeaders(l, 2);
        if (!headers.Any(h => h.Key == ":path") || !headers.Any(h => h.Key == ":method") || !headers.Any(h => h.Key == ":authority"))
        {
            return Fail(l, "http call headers must include ':path', ':method', and ':authority'");
        }

        byte[]? body = l.Type(3) is LuaType.String ? l.ToBuffer(3, false) : null;
        var timeoutMs = l.Type(4) == LuaType.Number ? l.ToInteger(4) : 0;
        if (timeoutMs < 0)
        {
            return Fail(l, "http call timeout must be >= 0");
        }

        Ctx.PendingCall = new LuaHttpCall(cluster, headers, body, timeoutMs == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeoutMs), l.ToBoolean(5));
        return Ok(l);
    }

    private int Respond(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        if (l.ToString(1, false) != "request")
        {
            return Fail(l, "respond() is only allowed in request flow");
        }

        if (l.Type(2) != LuaType.Table)
        {
            return Fail(l, "respond() needs a headers table");
        }

        var headers = LuaValues.ReadHeaders(l, 2);
        var statusText = headers.FirstOrDefault(h => h.Key == ":status").Value;
        if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 200 or > 999)
        {
            return Fail(l, ":status must be between 200-999");
        }

        var body = l.Type(3) is LuaType.String or LuaType.Number ? l.ToBuffer(3, false) : [];
        var extra = headers.Where(h => !h.Key.StartsWith(':')).ToArray();
        var contentType = extra.FirstOrDefault(h => h.Key == "content-type").Value;
        Ctx.Reply = new LocalReplyData(status, body ?? [], "lua_response", null,
            extra.Length == 0 ? null : target =>
            {
                foreach (var (name, value) in extra)
                {
                    target.Append(name, value);
                }
            },
            contentType);
        return Ok(l);
    }

    private int ClearRouteCache(IntPtr p)
    {
        Ctx.Context.ClearRouteCache();
        return 0;
    }

    private static int Base64(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var data = l.Type(1) is LuaType.String or LuaType.Number ? l.ToBuffer(1, false) : [];
        l.PushString(Convert.ToBase64String(data ?? []));
        return 1;
    }

    private static int Timestamp(IntPtr p)
    {
        var l = LuaState.FromIntPtr(p);
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (l.ToBoolean(1))
        {
            l.PushString(ms.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            l.PushInteger(ms);
        }

        return 1;
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
