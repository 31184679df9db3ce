namespace Gateway.Tests.Support;

/// <summary>A fact that is skipped (with the reason shown) on Windows, for behaviour only Unix file systems have (symlink swaps, rename(2)).</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs Unix symlinks and rename(2)";
        }
    }
}
