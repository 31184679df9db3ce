using System.Globalization;

namespace Gateway.Clusters.Configuration;

/// <summary>google.protobuf.Duration in its JSON form: seconds with up to 9 decimals and an 's'.</summary>
public static class EnvoyDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var span = text.AsSpan().Trim();
        if (span.Length < 2 || span[^1] != 's')
        {
            return false;
        }

        if (!decimal.TryParse(span[..^1], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 315_576_000_000m)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>
    /// The longest delay .NET's timers take (Timer, Task.Delay, CancellationTokenSource: 2^32-2 ms, 49.7 days); they
    /// throw beyond it. Envoy takes any Duration and its timers fire that late; here a longer one waits this long,
    /// which is never for a timeout (a route timeout of 60 days answered every request 500 before).
    /// </summary>
    public static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary><paramref name="value"/>, or <see cref="LongestTimer"/> when it is longer.</summary>
    public static TimeSpan ForTimers(TimeSpan value) => value > LongestTimer ? LongestTimer : value;

    /// <summary>Formats a duration as Envoy's config dump does (<c>15s</c>, <c>0.250s</c>).</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : value.TotalSeconds.ToString("0.000######", CultureInfo.InvariantCulture) + "s";
}
