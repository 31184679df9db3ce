namespace Gateway.Tests.Support;

/// <summary>A fact that is skipped (with the reason shown) off Linux, for behaviour read from /proc.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "reads /proc/PID/maps (Linux only)";
        }
    }
}
