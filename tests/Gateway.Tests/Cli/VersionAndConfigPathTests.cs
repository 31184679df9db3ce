using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Cli;
using Gateway.Stats;
using Gateway.Tests.Support;

namespace Gateway.Tests.Launch;

/// <summary><c>--version</c> and /server_info in Envoy's shape; a relative -c found beside the build.</summary>
public sealed class VersionAndConfigPathTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-version-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The repository root above the test output, when the tests run from a checkout.</summary>
    private static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Gateway.sln")))
            {
                return d.FullName;
            }
        }

        return null;
    }

    [Fact]
    public async Task Version_prints_envoys_line_with_the_commit_built_from()
    {
        var result = await GatewayProcess.RunAsync(_directory, null, "--version");

        Assert.Equal(0, result.ExitCode);
        var match = System.Text.RegularExpressions.Regex.Match(result.StdOut, @"^\nenvoy  version: ([0-9a-f]{40}|unknown)/(\d+\.\d+\.\d+)/Clean/RELEASE/BoringSSL\n\n$");
        Assert.True(match.Success, $"not Envoy's version shape: '{result.StdOut}'");
        if (RepositoryRoot() is { } root && Path.Exists(Path.Combine(root, ".git")))
        {
            // Built from a checkout: the commit is embedded (an image build passes it as SourceRevisionId).
            Assert.Matches("^[0-9a-f]{40}$", match.Groups[1].Value);
        }
    }

    [Fact]
    public async Task Server_info_reports_the_same_version()
    {
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              direct_response: { status: 200 }
            """));
        using var client = new HttpClient();
        var info = await client.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{gateway.AdminPort}/server_info");

        Assert.Equal(ServerVersion.Text, info.GetProperty("version").GetString());
        Assert.Matches(@"^([0-9a-f]{40}|unknown)/\d+\.\d+\.\d+/Clean/RELEASE/BoringSSL$", ServerVersion.Text);
    }

    [Fact]
    public void A_relative_config_path_missing_here_is_found_above_the_build_output()
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, "repo"));
        var output = Directory.CreateDirectory(Path.Combine(root.FullName, "src", "Gateway", "bin", "Release", "net10.0"));
        Directory.CreateDirectory(Path.Combine(root.FullName, "config"));
        var config = Path.Combine(root.FullName, "config", "envoy.yaml");
        File.WriteAllText(config, "{}");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_directory, "elsewhere")).FullName;

        Assert.Equal(config, ConfigPathResolver.Resolve("config/envoy.yaml", elsewhere, output.FullName));
        // Found from the current directory: used as given, as Envoy would.
        Assert.Equal("config/envoy.yaml", ConfigPathResolver.Resolve("config/envoy.yaml", root.FullName, output.FullName));
        // Nowhere: left as given, so the error names what the user typed.
        Assert.Equal("config/absent.yaml", ConfigPathResolver.Resolve("config/absent.yaml", elsewhere, output.FullName));
    }

    [Fact]
    public async Task The_default_config_is_found_when_run_from_another_directory()
    {
        if (RepositoryRoot() is null)
        {
            return; // not run from a checkout: there is no config/envoy.yaml above the build to find
        }

        var result = await GatewayProcess.RunAsync(_directory, null, "--mode", "validate");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"configuration '{Path.Combine(RepositoryRoot()!, "config", "envoy.yaml")}' OK", result.StdOut);
    }
}
