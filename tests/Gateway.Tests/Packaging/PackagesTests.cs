using System.Diagnostics;
using System.Text;

namespace Gateway.Tests.Packaging;

/// <summary>
/// The two packages as a user gets them: packed into a local folder feed, the tool installed from it
/// and run, and the sample test project restored against it and run. Uses the Release build the tests
/// run from (<c>--no-build</c>) and a version of its own per run, so the NuGet cache never serves a stale copy.
/// </summary>
public sealed class PackagesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-packages-").FullName;
    private readonly string _version = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a build server still holding a file: the temp cleaner takes it
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The outer `dotnet test` sets MSBuild variables for its own build; a nested build must not inherit them.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

    private async Task<string> PackAsync(string project)
    {
        var feed = Path.Combine(_directory, "feed");
        var (code, output) = await RunAsync(RepositoryFiles.Root, "dotnet", "pack", RepositoryFiles.PathOf(project), "-c", "Release", "--no-build",
            "-o", feed, $"-p:PackageVersion={_version}", "-nologo");
        Assert.True(code == 0, output);
        return feed;
    }

    [Fact]
    public async Task The_tool_package_installs_from_a_folder_feed_and_answers_envoys_version_line()
    {
        var feed = await PackAsync("src/Gateway/Gateway.csproj");
        Assert.True(File.Exists(Path.Combine(feed, $"EnvoyGateway.Tool.{_version}.nupkg")));
        var tools = Path.Combine(_directory, "tools");

        var install = await RunAsync(_directory, "dotnet", "tool", "install", "EnvoyGateway.Tool", "--version", _version, "--tool-path", tools, "--add-source", feed);
        Assert.True(install.ExitCode == 0, install.Output);

        var version = await RunAsync(_directory, Path.Combine(tools, "envoy-gateway"), "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\nenvoy  version: ([0-9a-f]{40}|unknown)/[0-9.]+/Clean/RELEASE/BoringSSL\n\n$", version.Output);
    }

    [Fact]
    public async Task The_test_host_package_runs_the_sample_test_project_from_a_folder_feed()
    {
        var feed = await PackAsync("src/Gateway.Testing/Gateway.Testing.csproj");
        var sample = Path.Combine(_directory, "sample");
        Directory.CreateDirectory(sample);
        foreach (var file in new[] { "GatewayTestingSample.csproj", "GatewayTests.cs" })
        {
            File.Copy(RepositoryFiles.PathOf(Path.Combine("samples", "GatewayTestingSample", file)), Path.Combine(sample, file));
        }

        // The sample's own nuget.config points at artifacts/packages; here the feed is the test's folder.
        File.WriteAllText(Path.Combine(sample, "nuget.config"),
            RepositoryFiles.Read("samples/GatewayTestingSample/nuget.config").Replace("../../artifacts/packages", feed, StringComparison.Ordinal));

        var test = await RunAsync(sample, "dotnet", "test", "-c", "Release", $"-p:EnvoyGatewayTestingVersion={_version}", "-nologo");
        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Contains("Passed!", test.Output);
    }

    [Fact]
    public void The_test_host_package_depends_on_every_package_the_bundled_gateway_assemblies_use()
    {
        // Versions are central (Directory.Packages.props), so the same id means the same version.
        static HashSet<string> References(string project) =>
            System.Xml.Linq.XDocument.Load(RepositoryFiles.PathOf(project)).Descendants("PackageReference")
                .Where(r => !string.Equals((string?)r.Attribute("PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase))
                .Select(r => (string)r.Attribute("Include")!)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var testing = References("src/Gateway.Testing/Gateway.Testing.csproj");
        foreach (var project in new[] { "src/Gateway/Gateway.csproj", "src/Gateway.Filters/Gateway.Filters.csproj", "src/Gateway.Clusters/Gateway.Clusters.csproj" })
        {
            foreach (var id in References(project))
            {
                Assert.True(testing.Contains(id), $"{project} uses {id}; add <PackageReference Include=\"{id}\" /> to src/Gateway.Testing/Gateway.Testing.csproj");
            }
        }
    }
}
