using KeraLua;
using LuaState = KeraLua.Lua;

namespace Gateway.Filters.Lua;

/// <summary>
/// One envoy_on_request or envoy_on_response call: a coroutine on a worker's state, resumed each time
/// what it waited for (the body, an HTTP call's answer) is there.
/// </summary>
internal sealed class LuaRun
{
    private readonly LuaWorker _worker;
    private readonly LuaState _thread;
    private int _reference;

    public LuaRun(LuaWorker worker, LuaState thread, int reference)
    {
        _worker = worker;
        _thread = thread;
        _reference = reference;
    }

    public LuaRunState State { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Runs until the coroutine finishes, fails or yields; <paramref name="arguments"/> values are on the thread's stack.</summary>
    public void Resume(int arguments)
    {
        var status = _thread.Resume(null, arguments, out var results);
        switch (status)
        {
            case LuaStatus.OK:
                State = LuaRunState.Finished;
                _thread.Pop(results);
                Release();
                break;
            case LuaStatus.Yield:
                var marker = results > 0 ? _thread.ToString(-results, false) : null;
                _thread.Pop(results);
                State = marker switch
                {
                    "body" => LuaRunState.NeedsBody,
                    "httpcall" => LuaRunState.NeedsHttpCall,
                    "respond" => LuaRunState.Responded,
                    _ => LuaRunState.Failed,
                };
                if (State == LuaRunState.Failed)
                {
                    Error = "script yielded outside of a stream handle call (coroutine.yield is not allowed)";
                }

                if (State is LuaRunState.Responded or LuaRunState.Failed)
                {
                    Release();
                }

                break;
            default:
                State = LuaRunState.Failed;
                Error = _thread.Type(-1) == LuaType.String ? _thread.ToString(-1, false) : "script error (" + status + ")";
                if (status == LuaStatus.ErrMem)
                {
                    _worker.MarkBroken();
                }

                Release();
                break;
        }
    }

    /// <summary>Resumes after an httpCall with the answer's headers (":status" first) and body (nil when empty).</summary>
    public void ResumeWithResponse(IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body)
    {
        _thread.NewTable();
        foreach (var group in headers.GroupBy(h => h.Key, StringComparer.Ordinal))
        {
            _thread.PushString(string.Join(",", group.Select(h => h.Value)));
            _thread.SetField(-2, group.Key);
        }

        if (body is { Length: > 0 })
        {
            _thread.PushBuffer(body);
        }
        else
        {
            _thread.PushNil();
        }

        Resume(2);
    }

    /// <summary>Drops the coroutine (finished, failed, or abandoned after respond() or when the request ended).</summary>
    public void Release()
    {
        if (_reference != 0)
        {
            _worker.Release(_reference);
            _reference = 0;
        }
    }
}
