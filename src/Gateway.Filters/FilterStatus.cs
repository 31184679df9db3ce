namespace Gateway.Filters;

/// <summary>
/// What a filter hook tells the chain, Envoy's Filter{Headers,Data,Trailers}Status folded into one.
/// A hook that must wait (a callout, a timer) simply awaits before returning: the chain resumes when its
/// ValueTask completes, which is Envoy's StopIteration followed by continueDecoding()/continueEncoding().
/// </summary>
public enum FilterStatus
{
    /// <summary>Pass the headers/data/trailers on to the next filter.</summary>
    Continue,

    /// <summary>
    /// Envoy's StopIteration(AndBuffer): hold this direction at this filter until the whole body has been
    /// buffered (up to the connection manager's buffer limit: 413 on the request side, 500 on the
    /// response side), then call this filter's data hook once with the whole body and end of stream.
    /// From a headers hook, the headers are held too (they can still be changed in the data hook).
    /// </summary>
    StopAndBuffer,

    /// <summary>
    /// The filter ended the stream: it called <see cref="HttpFilterContext.SendLocalReply"/> (the reply is
    /// then sent back through the encoder filters already passed), or gave up on it.
    /// </summary>
    StopIteration,
}
