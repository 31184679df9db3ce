namespace Gateway.Tests.Conformance;

/// <summary>
/// Locates Envoy's own example configs (<c>shared/conformance/envoy-examples</c>, kept beside the repo)
/// by walking up from the test assembly. Null when absent, and the conformance tests are then skipped.
/// </summary>
public static class ConformanceExamples
{
    public static readonly string? Directory = Find();

    public const string SkipReason = "shared/conformance/envoy-examples not found in any parent folder of the test assembly; conformance tests skipped";

    /// <summary>Every example envoy config, as a path relative to <see cref="Directory"/> with '/' separators.</summary>
    public static IEnumerable<object[]> Files() =>
        Directory is null
            ? [["(absent)"]]
            : System.IO.Directory.EnumerateFiles(Directory, "*.yaml", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .Select(f => new object[] { f });

    public static string PathOf(string relative) => Path.Combine(Directory!, relative);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "envoy-examples");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
