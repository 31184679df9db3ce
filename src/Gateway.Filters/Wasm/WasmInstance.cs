using System.Buffers.Binary;
using System.Text;
using Wasmtime;

namespace Gateway.Filters.Wasm;

/// <summary>
/// One long-lived instance of a plugin (Envoy keeps one per worker thread): a Wasmtime Store with its
/// memory cap, the module's exported callbacks, the root context and the stream contexts pinned to it.
/// A Store is single-threaded, so every entry into plugin code takes <see cref="Gate"/> and runs
/// synchronously; the gate is never held across an await. After a trap the instance is failed for good.
/// </summary>
internal sealed class WasmInstance : IDisposable
{
    private readonly Store _store;
    private readonly Memory _memory;
    private readonly Dictionary<int, WasmContext> _contexts = [];
    private readonly ulong _deadlineTicks;

    private readonly Func<int, int>? _malloc;
    private readonly Action<int, int>? _onContextCreate;
    private readonly Func<int, int, int>? _onVmStart;
    private readonly Func<int, int, int>? _onConfigure;
    private readonly Action<int>? _onTick;
    private readonly Func<int, int, int, int>? _onRequestHeaders;
    private readonly Func<int, int, int, int>? _onRequestBody;
    private readonly Func<int, int, int>? _onRequestTrailers;
    private readonly Func<int, int, int, int>? _onResponseHeaders;
    private readonly Func<int, int, int, int>? _onResponseBody;
    private readonly Func<int, int, int>? _onResponseTrailers;
    private readonly Action<int, int, int, int, int>? _onHttpCallResponse;
    private readonly Func<int, int>? _onDone;
    private readonly Action<int>? _onLog;
    private readonly Action<int>? _onDelete;
    private readonly Action<int, int>? _onQueueReady;

    private int _nextContextId;
    private int _tickPeriodMs;
    private Timer? _tickTimer;

    /// <summary>Instantiates the module and runs its start function, on_vm_start and on_configure.</summary>
    /// <exception cref="WasmLoadException">The module cannot be instantiated, trapped while starting, or refused its configuration.</exception>
    public WasmInstance(WasmPlugin plugin)
    {
        Plugin = plugin;
        var settings = plugin.Settings;
        _deadlineTicks = WasmRuntime.TicksFor(settings.CpuDeadline);
        _store = new Store(plugin.Code.Runtime.Engine, this);
        _store.SetLimits(memorySize: settings.MemoryLimitBytes);
        Instance instance;
        try
        {
            _store.SetEpochDeadline(_deadlineTicks);
            instance = plugin.Code.Linker.Instantiate(_store, plugin.Code.Module);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            _store.Dispose();
            throw new WasmLoadException($"cannot be instantiated: {FirstLine(e.Message)}");
        }

        _memory = instance.GetMemory("memory") ?? throw new WasmLoadException("exports no memory named 'memory'");
        _malloc = instance.GetFunction<int, int>("proxy_on_memory_allocate") ?? instance.GetFunction<int, int>("malloc");
        if (_malloc is null)
        {
            throw new WasmLoadException("exports neither proxy_on_memory_allocate nor malloc, so the host cannot hand it data");
        }

        _onContextCreate = instance.GetAction<int, int>("proxy_on_context_create");
        _onVmStart = instance.GetFunction<int, int, int>("proxy_on_vm_start");
        _onConfigure = instance.GetFunction<int, int, int>("proxy_on_configure");
        _onTick = instance.GetAction<int>("proxy_on_tick");
        _onRequestHeaders = instance.GetFunction<int, int, int, int>("proxy_on_request_headers");
        _onRequestBody = instance.GetFunction<int, int, int, int>("proxy_on_request_body");
        _onRequestTrailers = instance.GetFunction<int, int, int>("proxy_on_request_trailers");
        _onResponseHeaders = instance.GetFunction<int, int, int, int>("proxy_on_response_headers");
        _onResponseBody = instance.GetFunction<int, int, int, int>("proxy_on_response_body");
        _onResponseTrailers = instance.GetFunction<int, int, int>("proxy_on_response_trailers");
        _onHttpCallResponse = instance.GetAction<int, int, int, int, int>("proxy_on_http_call_response");
        _onDone = instance.GetFunction<int, int>("proxy_on_done");
        _onLog = instance.GetAction<int>("proxy_on_log");
        _onDelete = instance.GetAction<int>("proxy_on_delete");
        _onQueueReady = instance.GetAction<int, int>("proxy_on_queue_ready");

        lock (Gate)
        {
            try
            {
                // A WASI reactor initialises its runtime in _initialize; a command-style module in _start.
                _store.SetEpochDeadline(_deadlineTicks);
                try
                {
                    (instance.GetAction("_initialize") ?? instance.GetAction("_start"))?.Invoke();
                }
                catch (Exception e) when ((e is WasmtimeException or TrapException) && ExitCode == 0)
                {
                    // A command-style _start (TinyGo) ends with proc_exit(0): initialised, not failed.
                    ExitCode = null;
                }

                RootContextId = WasmPlugin.NextRootContextId();
                Root = new WasmContext(RootContextId, null);
                _contexts[RootContextId] = Root;
                _nextContextId = RootContextId + 1;
                Current = Root;
                _store.SetEpochDeadline(_deadlineTicks);
                _onContextCreate?.Invoke(RootContextId, 0);
                _store.SetEpochDeadline(_deadlineTicks);
                if (_onVmStart is not null && _onVmStart(RootContextId, settings.VmConfiguration.Length) == 0)
                {
                    throw new WasmLoadException("refused to start: proxy_on_vm_start returned false");
                }

                _store.SetEpochDeadline(_deadlineTicks);
                if (_onConfigure is not null && _onConfigure(RootContextId, settings.Configuration.Length) == 0)
                {
                    throw new WasmLoadException("refused its configuration: proxy_on_configure returned false");
                }
            }
            catch (Exception e) when (e is WasmtimeException or TrapException)
            {
                Failed = true;
                _tickTimer?.Dispose();
                throw new WasmLoadException($"trapped while starting: {FirstLine(e.Message)}");
            }
            catch (WasmLoadException)
            {
                Failed = true;
                _tickTimer?.Dispose();
                throw;
            }
        }
    }

    public WasmPlugin Plugin { get; }

    /// <summary>Taken for every entry into plugin code.</summary>
    public object Gate { get; } = new();

    public int RootContextId { get; }

    public WasmContext Root { get; } = null!;

    /// <summary>The effective context of the running callback (proxy_set_effective_context changes it).</summary>
    public WasmContext Current { get; set; } = null!;

    /// <summary>True after a trap (or a failed start): the instance never runs plugin code again.</summary>
    public bool Failed { get; private set; }

    public bool HasResponseBodyCallback => _onResponseBody is not null;

    /// <summary>Set by proc_exit; a call that ends in proc_exit traps.</summary>
    public int? ExitCode { get; set; }

    public bool TryGetContext(int id, out WasmContext context) => _contexts.TryGetValue(id, out context!);

    // ---- entries into plugin code (callers hold Gate) ----

    public WasmContext CreateStreamContext(WasmStreamFilter stream)
    {
        var context = new WasmContext(_nextContextId++, stream);
        _contexts[context.Id] = context;
        Enter(context);
        try
        {
            _onContextCreate?.Invoke(context.Id, RootContextId);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap("proxy_on_context_create", e);
        }

        return context;
    }

    public int OnRequestHeaders(WasmContext context, int count, bool endOfStream) =>
        Call(context, _onRequestHeaders, count, endOfStream ? 1 : 0, "proxy_on_request_headers");

    public int OnRequestBody(WasmContext context, int size, bool endOfStream) =>
        Call(context, _onRequestBody, size, endOfStream ? 1 : 0, "proxy_on_request_body");

    public int OnRequestTrailers(WasmContext context, int count) => Call(context, _onRequestTrailers, count, "proxy_on_request_trailers");

    public int OnResponseHeaders(WasmContext context, int count, bool endOfStream) =>
        Call(context, _onResponseHeaders, count, endOfStream ? 1 : 0, "proxy_on_response_headers");

    public int OnResponseBody(WasmContext context, int size, bool endOfStream) =>
        Call(context, _onResponseBody, size, endOfStream ? 1 : 0, "proxy_on_response_body");

    public int OnResponseTrailers(WasmContext context, int count) => Call(context, _onResponseTrailers, count, "proxy_on_response_trailers");

    public void OnHttpCallResponse(WasmContext context, int token, WasmCallResult result)
    {
        if (_onHttpCallResponse is null)
        {
            return;
        }

        context.CallResponse = result;
        Enter(context);
        try
        {
            _onHttpCallResponse(context.Id, token, result.Headers.Count, result.Body.Length, result.Trailers.Count);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap("proxy_on_http_call_response", e);
        }
        finally
        {
            context.CallResponse = null;
        }
    }

    public void OnTick()
    {
        if (_onTick is null || Failed)
        {
            return;
        }

        Enter(Root);
        try
        {
            _onTick(RootContextId);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap("proxy_on_tick", e);
        }
    }

    public void OnQueueReady(int queueId)
    {
        if (_onQueueReady is null || Failed)
        {
            return;
        }

        Enter(Root);
        try
        {
            _onQueueReady(RootContextId, queueId);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap("proxy_on_queue_ready", e);
        }
    }

    /// <summary>The stream is over: proxy_on_done, proxy_on_log, proxy_on_delete, as Envoy's onDestroy does.</summary>
    public void DestroyStreamContext(WasmContext context)
    {
        _contexts.Remove(context.Id);
        if (Failed)
        {
            return;
        }

        try
        {
            Enter(context);
            _onDone?.Invoke(context.Id);
            Enter(context);
            _onLog?.Invoke(context.Id);
            Enter(context);
            _onDelete?.Invoke(context.Id);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap("proxy_on_done", e);
        }
    }

    private int Call(WasmContext context, Func<int, int, int, int>? callback, int a, int b, string name)
    {
        if (callback is null)
        {
            return ProxyWasmAbi.ActionContinue;
        }

        Enter(context);
        try
        {
            return callback(context.Id, a, b);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap(name, e);
        }
    }

    private int Call(WasmContext context, Func<int, int, int>? callback, int a, string name)
    {
        if (callback is null)
        {
            return ProxyWasmAbi.ActionContinue;
        }

        Enter(context);
        try
        {
            return callback(context.Id, a);
        }
        catch (Exception e) when (e is WasmtimeException or TrapException)
        {
            throw Trap(name, e);
        }
    }

    private void Enter(WasmContext context)
    {
        if (Failed)
        {
            throw new WasmTrapException("the plugin instance failed earlier", failedEarlier: true);
        }

        Current = context;
        _store.SetEpochDeadline(_deadlineTicks);
    }

    private WasmTrapException Trap(string callback, Exception e)
    {
        Failed = true;
        _tickTimer?.Dispose();
        var reason = e is TrapException { Type: TrapCode.Interrupt }
            ? $"exceeded its CPU deadline of {Plugin.Settings.CpuDeadline.TotalMilliseconds:0} ms"
            : FirstLine(e.Message);
        return new WasmTrapException($"{callback} failed: {reason}", e);
    }

    // ---- ticks ----

    public void SetTickPeriod(int milliseconds)
    {
        _tickPeriodMs = milliseconds;
        if (Plugin.IsActive)
        {
            StartTicks();
        }
    }

    public void StartTicks()
    {
        _tickTimer?.Dispose();
        _tickTimer = null;
        if (_tickPeriodMs > 0 && !Failed)
        {
            var period = TimeSpan.FromMilliseconds(_tickPeriodMs);
            _tickTimer = new Timer(static state => ((WasmInstance)state!).Plugin.RunTick((WasmInstance)state!), this, period, period);
        }
    }

    public void StopTicks()
    {
        _tickTimer?.Dispose();
        _tickTimer = null;
    }

    // ---- memory helpers for host functions ----

    public bool TryRead(int ptr, int size, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (size < 0 || (uint)ptr + (ulong)(uint)size > (ulong)_memory.GetLength())
        {
            return false;
        }

        bytes = size == 0 ? ReadOnlySpan<byte>.Empty : _memory.GetSpan(ptr, size);
        return true;
    }

    public bool TryReadString(int ptr, int size, out string text)
    {
        if (!TryRead(ptr, size, out var bytes))
        {
            text = "";
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }

    public bool TryWriteU32(int ptr, uint value)
    {
        if ((uint)ptr + 4UL > (ulong)_memory.GetLength())
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_memory.GetSpan(ptr, 4), value);
        return true;
    }

    public bool TryWriteU64(int ptr, ulong value)
    {
        if ((uint)ptr + 8UL > (ulong)_memory.GetLength())
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(_memory.GetSpan(ptr, 8), value);
        return true;
    }

    /// <summary>Copies <paramref name="data"/> into memory the plugin allocates, and writes its address and size to the return pointers.</summary>
    public int CopyOut(ReadOnlySpan<byte> data, int returnPtr, int returnSize)
    {
        var address = 0;
        if (data.Length != 0)
        {
            address = _malloc!(data.Length);
            if (address == 0 || (uint)address + (ulong)data.Length > (ulong)_memory.GetLength())
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            data.CopyTo(_memory.GetSpan(address, data.Length));
        }

        return TryWriteU32(returnPtr, (uint)address) && TryWriteU32(returnSize, (uint)data.Length)
            ? ProxyWasmAbi.Ok
            : ProxyWasmAbi.InvalidMemoryAccess;
    }

    public int CopyOut(string text, int returnPtr, int returnSize)
    {
        if (text.Length < 256)
        {
            Span<byte> buffer = stackalloc byte[text.Length * 3];
            var n = Encoding.UTF8.GetBytes(text, buffer);
            return CopyOut(buffer[..n], returnPtr, returnSize);
        }

        return CopyOut(Encoding.UTF8.GetBytes(text), returnPtr, returnSize);
    }

    public void Dispose()
    {
        StopTicks();
        _store.Dispose();
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
