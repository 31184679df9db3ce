using System.Diagnostics;

namespace Gateway.Tests.Support;

/// <summary>
/// Runs the built gateway (<c>dotnet Gateway.dll ...</c>, the copy beside the test assembly) as a
/// separate process, for command-line tests: exit code, stdout and stderr.
/// </summary>
public static class GatewayProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static string GatewayDll => Path.Combine(AppContext.BaseDirectory, "Gateway.dll");

    /// <summary>Runs the gateway with <paramref name="args"/> in <paramref name="workingDirectory"/>; kills it after <paramref name="timeout"/> (default 60s).</summary>
    public static async Task<Result> RunAsync(string workingDirectory, TimeSpan? timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(GatewayDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // No telemetry banner or first-run noise in what the test reads.
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gateway {string.Join(' ', args)} did not exit; stdout: {await stdout}; stderr: {await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
