using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Proxy;

/// <summary>
/// The body Envoy's codec puts in the replies it makes itself: the status code's reason phrase
/// (CodeUtility::toString), e.g. <c>Bad Request</c>, <c>Upgrade Required</c>.
/// </summary>
internal static class ReasonPhraseBodies
{
    private static readonly ConcurrentDictionary<int, byte[]> Bodies = new();

    public static ReadOnlyMemory<byte> Of(int status) =>
        Bodies.GetOrAdd(status, static s => Encoding.ASCII.GetBytes(ReasonPhrases.GetReasonPhrase(s) is { Length: > 0 } phrase ? phrase : "Unknown"));
}
