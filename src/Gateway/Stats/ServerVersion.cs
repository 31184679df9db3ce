using System.Reflection;

namespace Gateway.Stats;

/// <summary>
/// The gateway's version as <c>--version</c>, /server_info and the server.version gauge show it, in
/// Envoy's shape <c>revision/version/status/build type/ssl</c>
/// (<c>d5ec1e0...40 hex.../1.0.0/Clean/RELEASE/BoringSSL</c>), so tools that parse Envoy's version line
/// parse this one. The revision is the commit the build embedded (SourceRevisionId: from git when the
/// source is a checkout, or <c>-p:SourceRevisionId=...</c> / the Dockerfile's GIT_COMMIT when it is not).
/// </summary>
public static class ServerVersion
{
    private static readonly Assembly Assembly = typeof(ServerVersion).Assembly;

    private static readonly Version AssemblyVersion = Assembly.GetName().Version ?? new Version(0, 0, 0);

    private static readonly string Informational =
        Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? AssemblyVersion.ToString(3);

    /// <summary>The commit the binary was built from, or <c>unknown</c> when the build had none.</summary>
    public static string Revision { get; } = Informational.IndexOf('+') is var plus and >= 0 && plus + 1 < Informational.Length
        ? Informational[(plus + 1)..]
        : "unknown";

    /// <summary>The release number (Envoy's BUILD_VERSION_NUMBER).</summary>
    public static string Number3 { get; } = Informational.IndexOf('+') is var plus and >= 0 ? Informational[..plus] : Informational;

    /// <summary>Clean, or Modified when the build said so (<c>-p:SourceRevisionStatus=Modified</c>).</summary>
    public static string Status { get; } =
        Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SourceRevisionStatus")?.Value is { Length: > 0 } status
            ? status
            : "Clean";

    /// <summary>Envoy's <c>VersionInfo::version()</c> shape. TLS is .NET's (the platform's OpenSSL); the last slot keeps Envoy's word so parsers match.</summary>
    public static string Text { get; } = $"{Revision}/{Number3}/{Status}/RELEASE/BoringSSL";

    /// <summary>What <c>envoy --version</c> prints (a blank line, the version line, a blank line).</summary>
    public static string VersionOutput { get; } = $"\nenvoy  version: {Text}\n\n";

    /// <summary>server.version: an integer form of the version (major*10000 + minor*100 + build).</summary>
    public static long Number { get; } = AssemblyVersion.Major * 10000L + AssemblyVersion.Minor * 100L + Math.Max(0, AssemblyVersion.Build);
}
