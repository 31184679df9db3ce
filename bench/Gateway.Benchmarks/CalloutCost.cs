using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.Cli;
using Gateway.Filters.Grpc.Envoy.Auth;
using Gateway.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Gateway.Benchmarks;

/// <summary>
/// Cost per request of ext_authz (HTTP and gRPC service) and of a Lua filter against a pass-through
/// gateway, in one run: every peer (upstream, HTTP and gRPC authorization servers) and every gateway
/// run in this process on 127.0.0.1, a closed-loop client drives each gateway in turn (interleaved
/// rounds), and the process CPU per request is reported. The CPU includes client and peers, so the
/// difference to pass-through is the whole cost of the callout (both ends) or of the script.
/// Run: <c>dotnet run -c Release --project bench/Gateway.Benchmarks -- callouts [seconds] [rounds] [concurrency]</c>.
/// </summary>
public static class CalloutCost
{
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 16;

        await using var upstream = await StartAsync(app => app.Run(ctx => ctx.Response.WriteAsync("ok")), HttpProtocols.Http1);
        await using var httpAuthz = await StartAsync(app => app.Run(ctx => Task.CompletedTask), HttpProtocols.Http1);
        await using var grpcAuthz = await StartAsync(app => app.MapGrpcService<AllowAll>(), HttpProtocols.Http2, grpc: true);

        var clusters = Cluster("upstream", upstream.Port) + Cluster("http_authz", httpAuthz.Port) + Cluster("grpc_authz", grpcAuthz.Port, http2: true);
        var variants = new (string Name, string Filters)[]
        {
            ("passthrough", ""),
            ("ext_authz_http", """
                      - name: envoy.filters.http.ext_authz
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
                          http_service:
                            server_uri: { uri: authz, cluster: http_authz, timeout: 1s }

            """),
            ("ext_authz_grpc", """
                      - name: envoy.filters.http.ext_authz
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
                          grpc_service:
                            envoy_grpc: { cluster_name: grpc_authz }
                            timeout: 1s

            """),
            ("lua", """
                      - name: envoy.filters.http.lua
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
                          default_source_code:
                            inline_string: |
                              function envoy_on_request(h) h:headers():add("x-lua", h:headers():get(":path")) end
                              function envoy_on_response(h) h:headers():add("x-lua-response", "1") end

            """),
        };

        var gateways = new List<(string Name, GatewayHost Host, HttpClient Client)>();
        var directory = Directory.CreateTempSubdirectory("callout-bench-").FullName;
        try
        {
            foreach (var (name, filters) in variants)
            {
                var path = Path.Combine(directory, name + ".yaml");
                await File.WriteAllTextAsync(path, Yaml(filters, clusters));
                var host = await GatewayHost.StartAsync(new GatewayOptions { ConfigPath = path, DisableHotReload = true, LogLevel = LogEventLevel.Warning });
                var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
                {
                    BaseAddress = new Uri($"http://127.0.0.1:{host.ListenerPorts.Values.First()}/"),
                };
                using var check = await client.GetAsync("/get");
                if (check.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{name}: expected 200, got {(int)check.StatusCode}");
                }

                gateways.Add((name, host, client));
            }

            foreach (var (name, _, client) in gateways)
            {
                await DriveAsync(client, concurrency, TimeSpan.FromSeconds(2));
            }

            var results = gateways.ToDictionary(g => g.Name, _ => new List<(double Rps, double CpuUs)>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, _, client) in gateways)
                {
                    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    var watch = Stopwatch.StartNew();
                    var count = await DriveAsync(client, concurrency, TimeSpan.FromSeconds(seconds));
                    var elapsed = watch.Elapsed.TotalSeconds;
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds;
                    results[name].Add((count / elapsed, cpu / count));
                }
            }

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"# Callout cost: ext_authz (HTTP, gRPC) and lua vs pass-through");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, GET /get, {concurrency} concurrent requests, {rounds} rounds of {seconds} s per variant (interleaved), medians.");
            report.AppendLine("Client, upstream, authorization servers and gateways share one process: CPU/request is all of it, so the");
            report.AppendLine("extra over pass-through is the full cost of the callout (both ends) or of the script.");
            report.AppendLine();
            report.AppendLine("| variant | requests/s | CPU µs/request | extra CPU µs/request vs pass-through |");
            report.AppendLine("|---|---:|---:|---:|");
            var baseline = Median(results["passthrough"].Select(r => r.CpuUs));
            foreach (var (name, list) in results)
            {
                var cpu = Median(list.Select(r => r.CpuUs));
                report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(list.Select(r => r.Rps)):F0} | {cpu:F0} | {(name == "passthrough" ? "-" : (cpu - baseline).ToString("F0", CultureInfo.InvariantCulture))} |");
            }

            Console.WriteLine(report.ToString());
            await File.WriteAllTextAsync(Path.Combine(FindBenchDirectory(), "CALLOUTS.md"), report.ToString());
        }
        finally
        {
            foreach (var (_, host, client) in gateways)
            {
                client.Dispose();
                await host.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long> DriveAsync(HttpClient client, int concurrency, TimeSpan duration)
    {
        long count = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                using var response = await client.GetAsync("/get", HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"status {(int)response.StatusCode}");
                }

                Interlocked.Increment(ref count);
            }
        }));
        return count;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string FindBenchDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "bench", "README.md")))
            {
                return Path.Combine(dir.FullName, "bench");
            }
        }

        return AppContext.BaseDirectory;
    }

    private static string Cluster(string name, int port, bool http2 = false) => $$"""
          - name: {{name}}
            type: STATIC
            connect_timeout: 1s
        {{(http2 ? """
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: { http2_protocol_options: {} }

        """ : "")}}    load_assignment:
              cluster_name: {{name}}
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{port}} } } }

        """;

    private static string Yaml(string filters, string clusters) => $$"""
        static_resources:
          listeners:
          - name: main
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: bench
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        route: { cluster: upstream }
                  http_filters:
        {{filters}}          - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
        {{clusters}}
        """;

    private static async Task<Peer> StartAsync(Action<WebApplication> map, HttpProtocols protocols, bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        if (grpc)
        {
            builder.Services.AddGrpc();
        }

        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Peer(app, new Uri(address).Port);
    }

    private sealed record Peer(WebApplication App, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private sealed class AllowAll : Gateway.Filters.Grpc.Envoy.Auth.Authorization.AuthorizationBase
    {
        private static readonly CheckResponse Ok = new() { Status = new() { Code = 0 } };

        public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context) => Task.FromResult(Ok);
    }
}
