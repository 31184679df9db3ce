using System.Security;
using System.Security.Cryptography;

namespace Gateway.Hosting;

/// <summary>
/// Start failures that come from the machine or the files the config names (a certificate that does
/// not parse, a file that cannot be read, a log path in a missing directory), not from a bug: Program
/// prints them as one line and exits 1, no stack trace. Anything else still crashes loudly.
/// </summary>
public static class StartFailure
{
    public static bool IsUserMistake(Exception e) => e is IOException or UnauthorizedAccessException or SecurityException
        or CryptographicException or System.Net.Sockets.SocketException;

    public static string Describe(Exception e, string configPath) => e switch
    {
        CryptographicException => $"cannot start: a certificate or key named in {configPath} could not be loaded: {e.Message.TrimEnd('.')}",
        UnauthorizedAccessException => $"cannot start: permission denied: {e.Message.TrimEnd('.')}",
        _ => $"cannot start: {e.Message.TrimEnd('.')} (serving {configPath})",
    };
}
