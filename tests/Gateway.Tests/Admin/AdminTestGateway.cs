using System.Net;
using System.Net.Sockets;
using DemoUpstream;
using Gateway.Cli;
using Gateway.Hosting;

namespace Gateway.Tests.Admin;

/// <summary>
/// A gateway started in-process on 127.0.0.1 ephemeral ports in front of the demo upstream, with
/// routes for a success, no route, a connect failure, a timeout and a direct response, and an admin
/// listener. <paramref name="accessLogs"/> is YAML spliced into the HCM's access_log list.
/// </summary>
public sealed class AdminTestGateway : IAsyncDisposable
{
    private AdminTestGateway(DemoUpstreamHandle upstream, GatewayHost host, string directory)
    {
        Upstream = upstream;
        Host = host;
        Directory = directory;
        Proxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.ListenerPorts["listener_0"]}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.AdminPort}") };
    }

    public DemoUpstreamHandle Upstream { get; }

    public GatewayHost Host { get; }

    /// <summary>Temp directory holding envoy.yaml (and access log files tests put there).</summary>
    public string Directory { get; }

    public HttpClient Proxy { get; }

    public HttpClient Admin { get; }

    public int UpstreamPort => Upstream.Port;

    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "gw-admin-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public static async Task<AdminTestGateway> StartAsync(string? accessLogs = null, string? directory = null, GatewayOptions? options = null)
    {
        directory ??= NewDirectory();
        var upstream = await DemoUpstreamServer.StartAsync("http://127.0.0.1:0");
        var closedPort = ClosedPort();
        var accessLogYaml = accessLogs is null ? "" : "          access_log:\n" + accessLogs;
        var yaml = $$"""
            admin:
              address:
                socket_address: { address: 127.0.0.1, port_value: 0 }
            static_resources:
              listeners:
              - name: listener_0
                address:
                  socket_address: { address: 127.0.0.1, port_value: 0 }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: ingress_http
            {{accessLogYaml}}
                      route_config:
                        name: local_route
                        virtual_hosts:
                        - name: local_service
                          domains: ["*"]
                          routes:
                          - name: direct
                            match: { prefix: "/direct" }
                            direct_response: { status: 200, body: { inline_string: "hello" } }
                          - match: { prefix: "/dead" }
                            route: { cluster: dead }
                          - match: { prefix: "/delay" }
                            route: { cluster: demo, timeout: 0.3s }
                          - name: demo_route
                            match: { prefix: "/get" }
                            route: { cluster: demo }
                          - match: { prefix: "/post" }
                            route: { cluster: demo }
                          - match: { prefix: "/stream-bytes" }
                            route: { cluster: demo }
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              clusters:
              - name: demo
                connect_timeout: 1s
                type: STATIC
                load_assignment:
                  cluster_name: demo
                  endpoints:
                  - lb_endpoints:
                    - endpoint:
                        address:
                          socket_address: { address: 127.0.0.1, port_value: {{upstream.Port}} }
              - name: dead
                connect_timeout: 1s
                type: STATIC
                load_assignment:
                  cluster_name: dead
                  endpoints:
                  - lb_endpoints:
                    - endpoint:
                        address:
                          socket_address: { address: 127.0.0.1, port_value: {{closedPort}} }
            """;
        var path = Path.Combine(directory, "envoy.yaml");
        await File.WriteAllTextAsync(path, yaml);
        try
        {
            var host = await GatewayHost.StartAsync((options ?? new GatewayOptions()) with { ConfigPath = path });
            return new AdminTestGateway(upstream, host, directory);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends the standard mix: a success, a 404 (no route), a connect failure, a timeout, a direct response.</summary>
    public async Task SendStandardTrafficAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await Proxy.GetAsync("/get")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Proxy.GetAsync("/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Proxy.GetAsync("/dead/x")).StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await Proxy.GetAsync("/delay/3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Proxy.GetAsync("/direct")).StatusCode);
    }

    /// <summary>GET /stats parsed into name → value.</summary>
    public async Task<Dictionary<string, long>> StatsAsync(string query = "")
    {
        var text = await Admin.GetStringAsync("/stats" + query);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a file until it has at least <paramref name="count"/> lines (the writer runs in the background).</summary>
    public static async Task<string[]> WaitForLinesAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            string[] lines = [];
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }

            if (lines.Length >= count || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(20);
        }
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        Proxy.Dispose();
        Admin.Dispose();
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
