using Gateway.Hosting;

namespace Gateway.Codec;

/// <summary>
/// What the gateway keeps per downstream connection (in Kestrel's connection items): the listener
/// slot it was accepted on and, for HTTP/1, a refusal the codec guard hands to the connection manager.
/// </summary>
public sealed class DownstreamConnection
{
    internal DownstreamConnection(ListenerSlot slot)
    {
        Slot = slot;
    }

    internal ListenerSlot Slot { get; }

    /// <summary>Set by <see cref="Http1RequestGuard"/> when the request it passes on stands for a refused one.</summary>
    public CodecError? PendingError { get; internal set; }

    /// <summary>Takes the pending refusal (once).</summary>
    public CodecError? TakeError()
    {
        var error = PendingError;
        PendingError = null;
        return error;
    }
}
