using System.Text.RegularExpressions;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;

namespace Gateway.Tests.Filters.Wasm;

/// <summary>
/// The public configs of shared/conformance/corpus that carry a wasm HTTP filter: with the .wasm each
/// names present (here: the C test plugin put in its place), the code is never what blocks the file.
/// Files blocked by something else (an unsupported feature, a plugin configuration Envoy would refuse
/// too) still are.
/// </summary>
public sealed partial class CorpusWasmTests
{
    internal static readonly string? Corpus = FindCorpus();

    public static IEnumerable<object[]> Files() =>
        Corpus is null
            ? []
            : Directory.EnumerateFiles(Corpus, "*.yaml", SearchOption.AllDirectories)
                .Where(f => File.ReadAllText(f).Contains("filters.http.wasm.v3.Wasm", StringComparison.Ordinal))
                .Select(f => new object[] { Path.GetRelativePath(Corpus, f) })
                .OrderBy(f => (string)f[0], StringComparer.Ordinal);

    [CorpusWasmTheory]
    [MemberData(nameof(Files))]
    public void Wasm_filter_is_not_the_blocker_when_its_wasm_exists(string relative)
    {
        var original = File.ReadAllText(Path.Combine(Corpus!, relative));
        var plugin = WasmPlugins.C("test_plugin");
        var withWasm = Filename().Replace(original, m => m.Groups[1].Value + "\"" + plugin + "\"");

        var after = Diagnostics(withWasm, relative);

        Assert.All(after, d => Assert.False(IsAboutWasm(d), $"{relative}: the wasm filter should not block it once its .wasm exists, got: {d}"));
    }

    /// <summary>How many of the files load as they are once their .wasm exists (they named a wasm HTTP plugin this gateway could not run before).</summary>
    [CorpusWasmTheory]
    [InlineData(0)]
    public void Files_blocked_only_by_their_wasm_plugin_now_validate(int _)
    {
        var plugin = WasmPlugins.C("test_plugin");
        var validating = Files().Select(f => (string)f[0])
            .Where(relative =>
            {
                var original = File.ReadAllText(Path.Combine(Corpus!, relative));
                var before = Diagnostics(original, relative);
                return before.Count != 0 && before.All(IsAboutWasm)
                    && Diagnostics(Filename().Replace(original, m => m.Groups[1].Value + "\"" + plugin + "\""), relative).Count == 0;
            })
            .ToArray();

        Assert.True(validating.Length >= MinimumValidating, $"{validating.Length} validate: {string.Join(", ", validating)}");
    }

    // Measured when the wasm host landed; a drop means a wasm regression (or a corpus change).
    private const int MinimumValidating = 32;

    private static bool IsAboutWasm(ConfigDiagnostic d) =>
        d.Message.Contains("wasm plugin", StringComparison.Ordinal) || d.Message.Contains("http.wasm", StringComparison.Ordinal);

    private static IReadOnlyList<ConfigDiagnostic> Diagnostics(string yaml, string name)
    {
        try
        {
            GatewayConfigLoader.Load(yaml, name, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
            return [];
        }
        catch (ConfigException e)
        {
            return e.Diagnostics;
        }
    }

    [GeneratedRegex(@"(filename:\s*)(""[^""]*\.wasm""|'[^']*\.wasm'|\S*\.wasm)")]
    private static partial Regex Filename();

    private static string? FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
