namespace Gateway.Hosting;

/// <summary>
/// Envoy's threading model on .NET's socket engine: N event loops (Envoy's workers, <c>--concurrency</c>, one per core
/// by default), each running the requests of its connections to the end, downstream and upstream, instead of one epoll
/// thread handing every socket event to the thread pool. On a 2-core box shared with its peers that hand-off was a
/// context switch per event and most of the gateway's CPU; inline it measured 0.78x GET / 0.84x POST CPU per request at
/// +30% / +20% req/s (bench/RESULTS.md, session 9). As in Envoy, a filter that computes for long (a Lua script, a wasm
/// plugin) holds its loop's other connections while it runs.
/// </summary>
/// <remarks>
/// The runtime reads its two variables once, when the first socket registers with its engine, so
/// <see cref="ConfigureProcess"/> runs first thing in Main. A variable already in the environment wins:
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> restores the thread-pool dispatch. A host embedding the gateway
/// (the test-host package, the test suite) keeps whatever its process has.
/// </remarks>
public static class EventLoops
{
    private const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string CountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>Before any socket: inline completions on unless the environment says otherwise; <c>--concurrency</c> as the loop count.</summary>
    public static void ConfigureProcess(int? concurrency)
    {
        if (Environment.GetEnvironmentVariable(InlineVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }

        if (concurrency is { } count && Environment.GetEnvironmentVariable(CountVariable) is null)
        {
            Environment.SetEnvironmentVariable(CountVariable, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Whether socket continuations run on the event loops (what the runtime read, given that nothing changed it since).</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(InlineVariable) == "1";

    /// <summary>
    /// Envoy's concurrency (/server_info, server.concurrency): the runtime's event-loop count when it was given one
    /// (<c>--concurrency</c> or the variable), else one per core: the inline loops' default, and the cores the thread
    /// pool spreads the requests over when they are not inline.
    /// </summary>
    public static int Concurrency =>
        uint.TryParse(Environment.GetEnvironmentVariable(CountVariable), out var count) && count > 0 ? (int)count : Environment.ProcessorCount;
}
