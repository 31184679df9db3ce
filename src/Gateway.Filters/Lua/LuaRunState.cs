namespace Gateway.Filters.Lua;

/// <summary>Where a script's coroutine stands after running until it finished, failed or had to wait.</summary>
public enum LuaRunState
{
    /// <summary>The envoy_on_* function returned.</summary>
    Finished,

    /// <summary>A Lua error; the message is in <see cref="LuaRun.Error"/>.</summary>
    Failed,

    /// <summary>body()/bodyChunks()/trailers() needs the whole body of this direction.</summary>
    NeedsBody,

    /// <summary>httpCall() is waiting for its answer (<see cref="LuaRequestContext.PendingCall"/>).</summary>
    NeedsHttpCall,

    /// <summary>respond() was called (<see cref="LuaRequestContext.Reply"/>); the coroutine is abandoned.</summary>
    Responded,
}
