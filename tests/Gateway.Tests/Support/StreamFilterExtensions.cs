using Gateway.Filters;

namespace Gateway.Tests.Support;

/// <summary>Runs a filter's request-headers hook alone, as the chain would: a local reply it asks for is written.</summary>
internal static class StreamFilterExtensions
{
    /// <summary>True when the filter let the request go on; false when it stopped it (its reply, if any, written).</summary>
    public static async Task<bool> OnRequestAsync(this IHttpFilter filter, HttpFilterContext context)
    {
        var stream = filter.CreateStreamFilter(context);
        var status = await stream.OnRequestHeadersAsync(context, endOfStream: true);
        if (status == FilterStatus.StopIteration && context.TakePendingLocalReply() is { } reply)
        {
            await LocalReplyWriter.WriteDirectAsync(context, reply);
        }

        return status == FilterStatus.Continue;
    }
}
