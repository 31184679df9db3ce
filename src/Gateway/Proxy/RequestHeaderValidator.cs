using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// Refuses header values holding control characters, as Envoy's HTTP/1 codec does
/// (<c>http1.invalid_characters</c>). Kestrel already rejects NUL, CR and LF; the other C0 controls
/// and DEL would otherwise be forwarded. The scan is vectorised (SearchValues), so it costs a few
/// nanoseconds per header.
/// </summary>
internal static class RequestHeaderValidator
{
    // RFC 9110 5.5: a field value is visible characters, SP and HTAB (and obs-text, which passes).
    private static readonly SearchValues<char> Invalid = SearchValues.Create(
        "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <summary>True when a value holds a control character; <paramref name="hasEnvoyHeaders"/> tells whether any x-envoy-* header is present (same pass).</summary>
    public static bool HasInvalidValue(IHeaderDictionary headers, out bool hasEnvoyHeaders)
    {
        hasEnvoyHeaders = false;
        foreach (var header in headers)
        {
            if (header.Key.Length > 8 && header.Key.StartsWith("x-envoy-", StringComparison.OrdinalIgnoreCase))
            {
                hasEnvoyHeaders = true;
            }

            foreach (var value in header.Value)
            {
                if (value is not null && value.AsSpan().ContainsAny(Invalid))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
