namespace Gateway.Tests.Conformance;

/// <summary>
/// Locates the public envoy.yaml corpus (<c>shared/conformance/corpus</c>, kept beside the repo) by
/// walking up from the test assembly. Null when absent, and the corpus test is then skipped.
/// </summary>
public static class CorpusFiles
{
    public static readonly string? Directory = Find();

    public const string SkipReason = "shared/conformance/corpus not found in any parent folder of the test assembly (expected at ../shared beside the repo); corpus conformance test skipped";

    /// <summary>Every corpus file, relative to <see cref="Directory"/> with '/' separators, in a stable order.</summary>
    public static IReadOnlyList<string> All() =>
        Directory is null
            ? []
            : System.IO.Directory.EnumerateFiles(Directory, "*.yaml", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "corpus");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
