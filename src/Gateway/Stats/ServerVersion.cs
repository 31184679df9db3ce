using System.Reflection;

namespace Gateway.Stats;

/// <summary>The gateway's version as /server_info and the server.version gauge show it.</summary>
public static class ServerVersion
{
    private static readonly Version AssemblyVersion = typeof(ServerVersion).Assembly.GetName().Version ?? new Version(0, 0, 0);

    /// <summary>Envoy prints <c>sha/version/Clean/RELEASE/ssl</c>; this keeps the slash-separated shape.</summary>
    public static string Text { get; } =
        $"{typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"}/{AssemblyVersion.ToString(3)}/Clean/RELEASE/dotnet-{Environment.Version}";

    /// <summary>server.version: an integer form of the version (major*10000 + minor*100 + build).</summary>
    public static long Number { get; } = AssemblyVersion.Major * 10000L + AssemblyVersion.Minor * 100L + Math.Max(0, AssemblyVersion.Build);
}
