using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Gateway.Cli;
using Gateway.Logging;
using Serilog.Events;

namespace Gateway.Tests.Support;

/// <summary>
/// The published gateway binary (GATEWAY_TEST_BINARY, e.g. the Native AOT build) started as a process for
/// a <see cref="TestGateway"/>: the options become the command line, the bound ports come from the admin
/// (Envoy's --admin-address-path, then /listeners?format=json).
/// </summary>
internal sealed class GatewayBinaryProcess : IAsyncDisposable
{
    /// <summary>The binary to run instead of the in-process host; null: in-process.</summary>
    public static string? BinaryPath { get; } = Environment.GetEnvironmentVariable("GATEWAY_TEST_BINARY") is { Length: > 0 } p ? p : null;

    private readonly Process _process;
    private readonly string _logPath;

    private GatewayBinaryProcess(Process process, string logPath, int adminPort, Dictionary<string, int> listenerPorts)
    {
        _process = process;
        _logPath = logPath;
        AdminPort = adminPort;
        ListenerPorts = listenerPorts;
    }

    private static readonly Lock TallyLock = new();

    /// <summary>
    /// With GATEWAY_TEST_BINARY_TALLY=file as well: one line per gateway started, "binary" or the reason it
    /// stayed in-process, so a run can say how much of the suite ran against the binary.
    /// </summary>
    public static void Tally(string? inProcessReason)
    {
        if (BinaryPath is not null && Environment.GetEnvironmentVariable("GATEWAY_TEST_BINARY_TALLY") is { Length: > 0 } file)
        {
            lock (TallyLock)
            {
                File.AppendAllText(file, (inProcessReason is null ? "binary" : "in-process: " + inProcessReason) + "\n");
            }
        }
    }

    /// <summary>The binary exited (or never wrote its admin address) before it was serving.</summary>
    public sealed class StartFailedException(string message) : Exception(message);

    public int AdminPort { get; }

    public IReadOnlyDictionary<string, int> ListenerPorts { get; }

    /// <summary>
    /// Why these options or this caller need the in-process host, or null when the binary can run them.
    /// Called before the first await of the test host, so the calling test's frames are on the stack.
    /// </summary>
    public static string? InProcessReason(GatewayOptions options, string yaml)
    {
        var defaults = new GatewayOptions();
        if (options.LogSinks.Count > 0 || !options.WriteLog)
        {
            return "log sinks of the test";
        }

        if (options.AdditionalFilterFactories.Count > 0)
        {
            return "filter factories of the test";
        }

        if (options.TimeProvider != TimeProvider.System)
        {
            return "a fake clock";
        }

        if (options.ConfigPollInterval != defaults.ConfigPollInterval || options.Mode != defaults.Mode)
        {
            return "options without a command-line flag";
        }

        if (!yaml.Contains("admin:", StringComparison.Ordinal))
        {
            return "no admin listener to read the bound ports from";
        }

        foreach (var frame in new StackTrace().GetFrames())
        {
            if (frame.GetMethod() is { } method && Marked(method) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    /// <summary>The attribute on the method, its class, or, for an async state machine or a lambda, on the method and class it was written in.</summary>
    private static string? Marked(MethodBase method)
    {
        for (var type = method.DeclaringType; type is not null; type = type.DeclaringType)
        {
            if (type.GetCustomAttribute<InProcessGatewayAttribute>() is { } onType)
            {
                return onType.Reason;
            }
        }

        if (method.GetCustomAttribute<InProcessGatewayAttribute>() is { } onMethod)
        {
            return onMethod.Reason;
        }

        // <Name>d__3.MoveNext (async) or <Name>b__3_0 (lambda): the written method is Name on an outer type.
        var generated = method.DeclaringType?.Name.StartsWith('<') == true ? method.DeclaringType.Name : method.Name;
        if (generated.StartsWith('<') && generated.IndexOf('>') is > 1 and var end)
        {
            var name = generated[1..end];
            for (var type = method.DeclaringType; type is not null; type = type.DeclaringType)
            {
                foreach (var candidate in type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (candidate.Name == name && candidate.GetCustomAttribute<InProcessGatewayAttribute>() is { } onWritten)
                    {
                        return onWritten.Reason;
                    }
                }
            }
        }

        return null;
    }

    public static async Task<GatewayBinaryProcess> StartAsync(string binary, GatewayOptions options, string directory)
    {
        var addressPath = options.AdminAddressPath ?? Path.Combine(directory, ".admin-address");
        var logPath = Path.Combine(directory, ".gateway-process.log");
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(options, addressPath))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) => { lock (log) { log.Dispose(); } };
        process.EnableRaisingEvents = true;
        try
        {
            var deadline = Environment.TickCount64 + 30_000;
            while (!File.Exists(addressPath))
            {
                if (process.HasExited || Environment.TickCount64 > deadline)
                {
                    if (!process.HasExited)
                    {
                        Kill(process);
                    }

                    // Let the output readers drain what the process wrote before it exited.
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                    throw new StartFailedException($"{binary} {string.Join(' ', start.ArgumentList)} did not start (exit code {(process.HasExited ? process.ExitCode : -1)}): {ReadLog(logPath)}");
                }

                await Task.Delay(10).ConfigureAwait(false);
            }

            var admin = (await File.ReadAllTextAsync(addressPath).ConfigureAwait(false)).Trim();
            var adminPort = int.Parse(admin[(admin.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            return new GatewayBinaryProcess(process, logPath, adminPort, await ReadListenerPortsAsync(adminPort).ConfigureAwait(false));
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>The listeners' bound ports now, from the admin's /listeners?format=json.</summary>
    public Task<Dictionary<string, int>> ReadListenerPortsAsync() => ReadListenerPortsAsync(AdminPort);

    /// <summary>The listeners' bound ports of the gateway whose admin is on <paramref name="adminPort"/>.</summary>
    internal static async Task<Dictionary<string, int>> ReadListenerPortsAsync(int adminPort)
    {
        using var client = TestGateway.CreateClient(adminPort);
        var listeners = await client.GetFromJsonAsync<JsonElement>("/listeners?format=json").ConfigureAwait(false);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var status in listeners.GetProperty("listener_statuses").EnumerateArray())
        {
            ports[status.GetProperty("name").GetString()!] = status.GetProperty("local_address").GetProperty("socket_address").GetProperty("port_value").GetInt32();
        }

        return ports;
    }

    /// <summary>The command line for <paramref name="options"/> (only what <see cref="InProcessReason"/> let through).</summary>
    internal static List<string> Arguments(GatewayOptions options, string adminAddressPath)
    {
        var args = new List<string> { "-c", options.ConfigPath, "--admin-address-path", adminAddressPath, "--log-level", LogLevels.Name(options.LogLevel) };
        if (options.ComponentLogLevels.Count > 0)
        {
            args.Add("--component-log-level");
            args.Add(string.Join(',', options.ComponentLogLevels.Select(c => $"{c.Key}:{LogLevels.Name(c.Value)}")));
        }

        if (options.ConfigYaml is not null)
        {
            args.AddRange(["--config-yaml", options.ConfigYaml]);
        }

        if (options.IgnoreUnsupported)
        {
            args.Add("--ignore-unsupported");
        }

        if (options.DisableHotReload)
        {
            args.Add("--disable-hot-reload");
        }

        if (options.JsonLogs)
        {
            args.Add("--log-json");
        }

        if (options.LogFormat is not null)
        {
            args.AddRange(["--log-format", options.LogFormat]);
        }

        if (options.LogPath is not null)
        {
            args.AddRange(["--log-path", options.LogPath]);
        }

        foreach (var (name, native) in options.NativePlugins)
        {
            args.AddRange(["--native-plugin", $"{name}={native}"]);
        }

        foreach (var (flag, value) in new[] { ("--service-cluster", options.ServiceCluster), ("--service-node", options.ServiceNode), ("--service-zone", options.ServiceZone) })
        {
            if (value.Length > 0)
            {
                args.AddRange([flag, value]);
            }
        }

        return args;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                using var admin = TestGateway.CreateClient(AdminPort);
                admin.Timeout = TimeSpan.FromSeconds(5);
                using var _ = await admin.PostAsync("/quitquitquit", null).ConfigureAwait(false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException)
            {
                Kill(_process);
            }
        }

        _process.Dispose();
    }

    /// <summary>What the process wrote to stdout and stderr so far.</summary>
    public string Output => ReadLog(_logPath);

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static string ReadLog(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
