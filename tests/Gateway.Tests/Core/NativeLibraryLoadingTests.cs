using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>
/// A feature that is not configured costs nothing at start (issue 15): the gateway, run as its own process (the
/// built Gateway.dll, or GATEWAY_TEST_BINARY such as the Native AOT binary), serving a plain HTTP config has
/// none of the native libraries of the features it does not use mapped (/proc/PID/maps), not even after
/// requests: no Wasmtime, no Lua, and no OpenSSL (request ids come from the kernel's generator, not RAND_bytes).
/// The Lua case shows the check sees a library that is loaded.
/// </summary>
public sealed class NativeLibraryLoadingTests : IDisposable
{
    private static readonly string[] FeatureLibraries = ["libwasmtime", "liblua", "libssl", "libcrypto"];

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-maps-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [LinuxFact]
    public async Task A_plain_http_config_maps_no_wasm_lua_or_openssl_library()
    {
        var maps = await MapsAfterRequestsAsync(httpFilters: "");

        Assert.Contains("/", maps);
        foreach (var library in FeatureLibraries)
        {
            Assert.DoesNotContain(library, maps);
        }
    }

    [LinuxFact]
    public async Task A_lua_filter_maps_liblua_and_still_no_wasm_or_openssl()
    {
        var maps = await MapsAfterRequestsAsync(httpFilters: """
            - name: envoy.filters.http.lua
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
                default_source_code:
                  inline_string: |
                    function envoy_on_request(h) h:headers():add("x-lua", "1") end
            """);

        Assert.Contains("liblua", maps);
        Assert.DoesNotContain("libwasmtime", maps);
        Assert.DoesNotContain("libssl", maps);
    }

    /// <summary>Starts the gateway on a direct_response config, sends a few requests, returns its /proc/PID/maps paths.</summary>
    private async Task<string> MapsAfterRequestsAsync(string httpFilters)
    {
        var listenerPort = FreePort();
        var adminPort = FreePort();
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              direct_response: { status: 200, body: { inline_string: "ok" } }
            """, httpFilters: httpFilters);
        var first = yaml.IndexOf("port_value: 0", StringComparison.Ordinal);
        yaml = yaml[..first] + $"port_value: {adminPort}" + yaml[(first + "port_value: 0".Length)..];
        yaml = yaml.Replace("port_value: 0", $"port_value: {listenerPort}", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_directory, "envoy.yaml"), yaml);

        var start = GatewayBinaryProcess.BinaryPath is { } binary ? new ProcessStartInfo(binary) : new ProcessStartInfo("dotnet") { ArgumentList = { GatewayProcess.GatewayDll } };
        foreach (var arg in new[] { "-c", "envoy.yaml", "--disable-hot-reload" })
        {
            start.ArgumentList.Add(arg);
        }

        start.WorkingDirectory = _directory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the gateway");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listenerPort}"), Timeout = TimeSpan.FromSeconds(5) };
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the gateway exited: {await stderr}");
                }

                try
                {
                    using var response = await client.GetAsync("/", deadline.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(50, deadline.Token);
            }

            for (var i = 0; i < 3; i++)
            {
                using var response = await client.GetAsync($"/more/{i}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var paths = File.ReadAllLines($"/proc/{process.Id}/maps")
                .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length == 6)
                .Select(fields => fields[5].Trim())
                .Distinct();
            return string.Join('\n', paths);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
