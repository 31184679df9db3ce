using System.Text;
using Gateway.Cli;
using Gateway.Hosting;

namespace Gateway.Tests.Resilience;

/// <summary>Writes an envoy.yaml (listener and admin on 127.0.0.1 port 0) into a temp dir and runs the gateway on it.</summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private TestGateway(string directory, string path, GatewayHost host)
    {
        Directory = directory;
        ConfigPath = path;
        Host = host;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.ListenerPorts["listener_0"]}"), Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.AdminPort}") };
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public GatewayHost Host { get; }

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    public static async Task<TestGateway> StartAsync(string yaml, bool hotReload = true)
    {
        var directory = Path.Combine(Path.GetTempPath(), "gw-res-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "envoy.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var host = await GatewayHost.StartAsync(new GatewayOptions { ConfigPath = path, DisableHotReload = !hotReload });
        return new TestGateway(directory, path, host);
    }

    /// <summary>Replaces the file atomically (write beside, then rename), as editors and ConfigMaps do.</summary>
    public async Task RewriteAsync(string yaml)
    {
        var temp = Path.Combine(Directory, ".envoy.yaml." + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(temp, yaml);
        File.Move(temp, ConfigPath, overwrite: true);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await Host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A config with one route to cluster <c>backend</c>. <paramref name="ports"/> are its endpoints;
    /// <paramref name="clusterExtra"/> and <paramref name="routeExtra"/> are YAML lines added to the
    /// cluster (indent 4) and the route action (indent 18).
    /// </summary>
    public static string Config(IEnumerable<int> ports, string headerValue = "v1", string clusterExtra = "", string routeExtra = "", string prefix = "/")
    {
        var endpoints = new StringBuilder();
        foreach (var port in ports)
        {
            endpoints.Append($"""
                    - endpoint:
                        address:
                          socket_address:
                            address: 127.0.0.1
                            port_value: {port}

            """);
        }

        return $"""
            admin:
              address:
                socket_address:
                  address: 127.0.0.1
                  port_value: 0
            static_resources:
              listeners:
              - name: listener_0
                address:
                  socket_address:
                    address: 127.0.0.1
                    port_value: 0
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: ingress_http
                      route_config:
                        name: local_route
                        virtual_hosts:
                        - name: local_service
                          domains: ["*"]
                          routes:
                          - match:
                              prefix: "{prefix}"
                            response_headers_to_add:
                            - header:
                                key: x-config-version
                                value: "{headerValue}"
                            route:
                              cluster: backend
            {routeExtra}
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              clusters:
              - name: backend
                connect_timeout: 1s
                type: STATIC
            {clusterExtra}
                load_assignment:
                  cluster_name: backend
                  endpoints:
                  - lb_endpoints:
            {endpoints}
            """;
    }
}
