using System.Text;
using System.Text.RegularExpressions;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Xunit.Abstractions;

namespace Gateway.Tests.Conformance;

/// <summary>
/// Runs every public envoy.yaml in the corpus through the loader exactly as <c>--mode validate</c> does
/// (in-process), prints how many load and why the others are refused, grouped by reason, and fails
/// when fewer load than the floor measured when this test was written, so a parsing regression shows.
/// </summary>
public sealed partial class CorpusConformanceTests(ITestOutputHelper output)
{
    /// <summary>Accepted count measured on the corpus; raise it when more files load, never lower it to pass.</summary>
    private const int AcceptedFloor = 60;

    [CorpusFact]
    public void Corpus_files_load_or_are_refused_by_name()
    {
        var files = CorpusFiles.All();
        var accepted = new List<string>();
        var reasons = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var crashes = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(CorpusFiles.Directory!, file);
            try
            {
                GatewayConfigLoader.LoadFile(path, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
                accepted.Add(file);
            }
            catch (ConfigException e)
            {
                foreach (var d in e.Diagnostics.Where(d => d.Kind is ConfigDiagnosticKind.Error or ConfigDiagnosticKind.Unsupported))
                {
                    var key = (d.Kind == ConfigDiagnosticKind.Unsupported ? "unsupported: " : "error: ") + Normalize(d.Message);
                    if (!reasons.TryGetValue(key, out var set))
                    {
                        reasons[key] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(file);
                }
            }
            catch (Exception e)
            {
                crashes.Add($"{file}: {e.GetType().Name}: {e.Message}");
            }
        }

        var report = new StringBuilder();
        report.AppendLine($"corpus: {files.Count} files, {accepted.Count} accepted, {files.Count - accepted.Count} refused (floor {AcceptedFloor})");
        foreach (var (reason, which) in reasons.OrderByDescending(r => r.Value.Count).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            report.AppendLine($"  {which.Count,3} × {reason}");
            foreach (var file in which)
            {
                report.AppendLine($"        {file}");
            }
        }

        report.AppendLine("accepted:");
        foreach (var file in accepted)
        {
            report.AppendLine($"        {file}");
        }

        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());
        Assert.True(crashes.Count == 0, "the loader threw instead of reporting a diagnostic:\n" + string.Join("\n", crashes));
        Assert.True(accepted.Count >= AcceptedFloor, $"only {accepted.Count} corpus files load; the floor is {AcceptedFloor}\n{report}");
    }

    /// <summary>Groups messages that differ only in a quoted name, a number or a list index.</summary>
    private static string Normalize(string message)
    {
        var text = Indexes().Replace(message, "[]");
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Indexes();
}
