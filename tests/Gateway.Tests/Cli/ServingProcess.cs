using System.Diagnostics;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Launch;

/// <summary>
/// The built gateway serving as a separate process: its stdout and stderr lines as they come, the
/// admin port it logged, and a graceful stop through <c>POST /quitquitquit</c>.
/// </summary>
internal sealed partial class ServingProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ServingProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_stdout) { _stdout.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_stderr) { _stderr.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string[] StdOut { get { lock (_stdout) { return [.. _stdout]; } } }

    public string[] StdErr { get { lock (_stderr) { return [.. _stderr]; } } }

    public int AdminPort { get; private set; }

    public int Pid => _process.Id;

    /// <summary>The names of the process's threads now (/proc/PID/task/*/comm, 15 characters at most).</summary>
    public string[] ThreadNames() =>
        [.. Directory.GetDirectories($"/proc/{_process.Id}/task").Select(t => File.ReadAllText(Path.Combine(t, "comm")).TrimEnd('\n'))];

    public static Task<ServingProcess> StartAsync(string directory, Func<ServingProcess, string?> adminLine, params string[] args) =>
        StartAsync(directory, adminLine, new Dictionary<string, string>(), args);

    public static async Task<ServingProcess> StartAsync(string directory, Func<ServingProcess, string?> adminLine, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(GatewayProcess.GatewayDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var serving = new ServingProcess(Process.Start(start)!);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (adminLine(serving) is { } line && AdminAddress().Match(line) is { Success: true } match)
            {
                serving.AdminPort = int.Parse(match.Groups[1].Value);
                return serving;
            }

            if (serving._process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = string.Join('\n', serving.StdErr);
                await serving.DisposeAsync();
                throw new InvalidOperationException($"the gateway did not log its admin address; stderr:\n{output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The first line (of <paramref name="lines"/>) saying where the admin listens.</summary>
    public static string? AdminLineIn(IEnumerable<string> lines) => lines.FirstOrDefault(l => AdminAddress().IsMatch(l));

    [GeneratedRegex(@"admin 'admin' listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex AdminAddress();

    /// <summary>Asks the gateway to exit as Envoy's admin does and waits for it; returns the exit code.</summary>
    public async Task<int> QuitAsync()
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync($"http://127.0.0.1:{AdminPort}/quitquitquit", null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
