using System.Collections.Concurrent;

namespace Gateway.Filters.Lua;

/// <summary>
/// One script (a default_source_code, a source_codes entry or a per-route source_code), loaded at config
/// load, with a pool of Lua states running it. A state serves one request at a time (held while that
/// request's coroutine waits for a body or an HTTP call), never two threads at once; idle states are
/// kept up to a bound and reused, as Envoy keeps one per worker.
/// </summary>
public sealed class LuaScript
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly ConcurrentBag<LuaWorker> _idle = [];
    private int _idleCount;

    public LuaScript(string code, string? directory)
    {
        Code = code;
        Directory = directory;
        try
        {
            var first = new LuaWorker(this);
            HasOnRequest = first.HasFunction("envoy_on_request");
            HasOnResponse = first.HasFunction("envoy_on_response");
            Return(first);
        }
        catch (LuaLoadException e)
        {
            LoadError = e.Message;
        }

        // Body hooks are installed only for scripts that may ask for a body or trailers.
        UsesBody = code.Contains("body", StringComparison.Ordinal) || code.Contains("trailers", StringComparison.Ordinal);
    }

    public string Code { get; }

    /// <summary>The directory of the config file: require() looks there as well as in Lua's default path.</summary>
    public string? Directory { get; }

    /// <summary>Why the script could not be loaded (syntax error, failing top level or require), or null.</summary>
    public string? LoadError { get; }

    public bool HasOnRequest { get; }

    public bool HasOnResponse { get; }

    public bool UsesBody { get; }

    internal LuaWorker Rent()
    {
        if (_idle.TryTake(out var worker))
        {
            Interlocked.Decrement(ref _idleCount);
            return worker;
        }

        return new LuaWorker(this);
    }

    internal void Return(LuaWorker worker)
    {
        if (worker.Broken || Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            if (!worker.Broken)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            worker.Dispose();
            return;
        }

        _idle.Add(worker);
    }
}

/// <summary>A script failed to load.</summary>
public sealed class LuaLoadException(string message) : Exception(message);
