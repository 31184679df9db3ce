namespace Gateway.Cli;

/// <summary>
/// Finds a relative <c>-c</c> path that is not under the current directory beside the gateway
/// instead: <c>dotnet run --project src/Gateway</c> runs with the caller's directory, while the
/// default <c>config/envoy.yaml</c> lives at the repository root, an ancestor of the build output.
/// A path that exists from the current directory always wins, as in Envoy.
/// </summary>
public static class ConfigPathResolver
{
    /// <summary>How many directories above the build output are searched (bin/Release/net10.0 -> src/Gateway -> repo).</summary>
    private const int MaxAncestors = 6;

    public static string Resolve(string path, string currentDirectory, string baseDirectory)
    {
        if (Path.IsPathRooted(path) || File.Exists(Path.Combine(currentDirectory, path)))
        {
            return path;
        }

        var directory = new DirectoryInfo(baseDirectory);
        for (var i = 0; directory is not null && i <= MaxAncestors; i++, directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, path);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return path;
    }

    public static GatewayOptions Resolve(GatewayOptions options) =>
        options with { ConfigPath = Resolve(options.ConfigPath, Environment.CurrentDirectory, AppContext.BaseDirectory) };
}
