using System.Diagnostics;

namespace Gateway.Tests.Configuration;

/// <summary>
/// Envoy's v3 API protos as shipped by the npm package <c>@grpc/grpc-js-xds</c> (<c>deps/</c>), installed
/// outside the repository: by <c>.ci/run</c>, or on first use here when npm is on PATH. The protos are
/// never copied into the repository. Null when they cannot be had, with the reason.
/// </summary>
public static class EnvoyApiProtos
{
    public const string Package = "@grpc/grpc-js-xds@1.14.1";

    private static readonly Lazy<(string? Directory, string Reason)> Located = new(Locate);

    /// <summary>The <c>deps</c> folder holding <c>envoy-api/</c>, <c>xds/</c>, <c>googleapis/</c> and <c>protoc-gen-validate/</c>.</summary>
    public static string? Directory => Located.Value.Directory;

    public static string SkipReason => Located.Value.Reason;

    /// <summary>Where .ci/run installs the package (ENVOY_API_PROTOS_PREFIX), else a folder in the temp directory.</summary>
    public static string Prefix =>
        Environment.GetEnvironmentVariable("ENVOY_API_PROTOS_PREFIX") is { Length: > 0 } prefix
            ? prefix
            : Path.Combine(Path.GetTempPath(), "gateway-tests-grpc-js-xds-1.14.1");

    private static string DepsUnder(string prefix) => Path.Combine(prefix, "node_modules", "@grpc", "grpc-js-xds", "deps");

    private static (string?, string) Locate()
    {
        var deps = DepsUnder(Prefix);
        if (System.IO.Directory.Exists(Path.Combine(deps, "envoy-api")))
        {
            return (deps, "");
        }

        try
        {
            System.IO.Directory.CreateDirectory(Prefix);
            var start = new ProcessStartInfo("npm")
            {
                ArgumentList = { "install", "--prefix", Prefix, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", Package },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(start)!;
            var stderr = npm.StandardError.ReadToEndAsync();
            _ = npm.StandardOutput.ReadToEndAsync();
            if (!npm.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                npm.Kill(entireProcessTree: true);
                return (null, $"npm install {Package} did not finish in 3 minutes; Envoy API proto comparison skipped");
            }

            if (npm.ExitCode != 0)
            {
                return (null, $"npm install {Package} failed (exit {npm.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}; Envoy API proto comparison skipped");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"npm is not on PATH ({e.Message}); cannot install {Package}; Envoy API proto comparison skipped");
        }

        return System.IO.Directory.Exists(Path.Combine(deps, "envoy-api"))
            ? (deps, "")
            : (null, $"{Package} installed but has no deps/envoy-api; Envoy API proto comparison skipped");
    }
}
