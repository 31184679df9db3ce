using System.Globalization;

namespace Gateway.Proxy;

/// <summary>The <c>grpc-timeout</c> header as Envoy reads and writes it: up to 8 digits and a unit (H, M, S, m, u, n).</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>The header's value as a duration (sub-millisecond units rounded up); null when absent or malformed.</summary>
    public static TimeSpan? Parse(string? value)
    {
        if (value is null || value.Length < 2 || value.Length > 9 ||
            !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return value[^1] switch
        {
            'H' => TimeSpan.FromHours(n),
            'M' => TimeSpan.FromMinutes(n),
            'S' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMilliseconds(n),
            'u' => TimeSpan.FromMilliseconds((n + 999) / 1000),
            'n' => TimeSpan.FromMilliseconds((n + 999_999) / 1_000_000),
            _ => null,
        };
    }

    /// <summary>Milliseconds, in the smallest unit that fits 8 digits (as Envoy's toGrpcTimeout).</summary>
    public static string Format(TimeSpan timeout)
    {
        var value = (long)timeout.TotalMilliseconds;
        if (value <= MaxValue)
        {
            return value.ToString(CultureInfo.InvariantCulture) + "m";
        }

        ReadOnlySpan<(long Divisor, char Unit)> steps = [(1000, 'S'), (60, 'M'), (60, 'H')];
        var unit = 'm';
        foreach (var (divisor, next) in steps)
        {
            if (value <= MaxValue)
            {
                break;
            }

            value = (value + divisor - 1) / divisor;
            unit = next;
        }

        return Math.Min(value, MaxValue).ToString(CultureInfo.InvariantCulture) + unit;
    }
}
