using System.Net;
using System.Text.Json;
using DemoUpstream;
using Gateway.Admin;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Admin;

/// <summary>
/// Reads every read-only admin endpoint after real traffic (a success, a 404, a connect failure,
/// a timeout, a direct response) and checks Envoy's names, numbers and formats.
/// </summary>
public sealed class AdminEndpointsTests : IClassFixture<AdminEndpointsTests.TrafficFixture>
{
    private readonly TestGateway _gateway;
    private readonly int _upstreamPort;

    public AdminEndpointsTests(TrafficFixture fixture)
    {
        _gateway = fixture.Gateway;
        _upstreamPort = fixture.Upstream.Port;
    }

    /// <summary>One gateway for the class: these tests only read (POST-only endpoints are refused unchanged).</summary>
    public sealed class TrafficFixture : IAsyncLifetime
    {
        public DemoUpstreamHandle Upstream { get; private set; } = null!;

        public TestGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream = await DemoUpstreamServer.StartAsync();
            Gateway = await TestGateway.StartAsync(EnvoyYaml.StandardTraffic(Upstream.Port, TestGateway.RefusedPort()), TestGateway.InfoLogs);
            await Gateway.SendStandardTrafficAsync();
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stats_count_the_traffic_with_envoy_names()
    {
        var stats = await _gateway.StatsAsync();

        Assert.Equal(2, stats["cluster.demo.upstream_rq_total"]);
        Assert.Equal(1, stats["cluster.demo.upstream_rq_200"]);
        Assert.Equal(1, stats["cluster.demo.upstream_rq_504"]);
        Assert.Equal(1, stats["cluster.demo.upstream_rq_2xx"]);
        Assert.Equal(1, stats["cluster.demo.upstream_rq_5xx"]);
        Assert.Equal(1, stats["cluster.demo.upstream_rq_timeout"]);
        Assert.Equal(0, stats["cluster.demo.upstream_rq_active"]);
        Assert.True(stats["cluster.demo.upstream_cx_total"] >= 1);
        Assert.Equal(1, stats["cluster.demo.membership_total"]);
        Assert.Equal(1, stats["cluster.demo.membership_healthy"]);

        Assert.Equal(1, stats["cluster.dead.upstream_rq_total"]);
        Assert.Equal(1, stats["cluster.dead.upstream_rq_503"]);
        Assert.True(stats["cluster.dead.upstream_cx_connect_fail"] >= 1);
        Assert.Equal(0, stats["cluster.dead.upstream_cx_active"]);

        Assert.Equal(5, stats["http.ingress_http.downstream_rq_total"]);
        Assert.Equal(2, stats["http.ingress_http.downstream_rq_2xx"]);
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_4xx"]);
        Assert.Equal(2, stats["http.ingress_http.downstream_rq_5xx"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_active"]);
        Assert.Equal(1, stats["http.ingress_http.no_route"]);
        Assert.Equal(1, stats["http.ingress_http.rq_direct_response"]);
        Assert.True(stats["http.ingress_http.downstream_cx_total"] >= 1);
        Assert.True(stats["http.ingress_http.downstream_cx_active"] >= 1);
        var port = _gateway.PortOf("listener_0");
        Assert.Equal(stats["http.ingress_http.downstream_cx_total"], stats[$"listener.127.0.0.1_{port}.downstream_cx_total"]);

        Assert.Equal(1, stats["server.live"]);
        Assert.Equal(0, stats["server.state"]);
        Assert.True(stats["server.uptime"] >= 0);
        Assert.Equal(2, stats["cluster_manager.active_clusters"]);
    }

    [Fact]
    public async Task Stats_text_is_sorted_name_colon_value_lines()
    {
        var text = await _gateway.Admin.GetStringAsync("/stats");
        var names = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("cluster.demo.upstream_rq_total: 2\n", text);
    }

    [Fact]
    public async Task Stats_filter_is_a_regex_and_usedonly_drops_unused()
    {
        var filtered = await _gateway.StatsAsync("?filter=upstream_rq_total$");
        Assert.Equal(new[] { "cluster.dead.upstream_rq_total", "cluster.demo.upstream_rq_total" }, filtered.Keys.Order());

        var used = await _gateway.StatsAsync("?usedonly");
        Assert.DoesNotContain(used, s => s.Value == 0);
        Assert.Contains("cluster.demo.upstream_rq_200", used.Keys);
        Assert.DoesNotContain("http.ingress_http.rq_redirect", used.Keys);

        var bad = await _gateway.Admin.GetAsync("/stats?filter=(");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Stats_json_lists_name_and_numeric_value()
    {
        var response = await _gateway.Admin.GetAsync("/stats?format=json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var stats = json.RootElement.GetProperty("stats").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetInt64());
        Assert.Equal(2, stats["cluster.demo.upstream_rq_total"]);
        Assert.Equal(1, stats["server.live"]);
    }

    [Fact]
    public async Task Prometheus_uses_envoy_tag_extraction()
    {
        var text = await _gateway.Admin.GetStringAsync("/stats/prometheus");
        var lines = text.Split('\n');
        Assert.Contains("# TYPE envoy_cluster_upstream_rq_total counter", lines);
        Assert.Contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"demo\"} 2", lines);
        Assert.Contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"dead\"} 1", lines);
        Assert.Contains("# TYPE envoy_cluster_upstream_rq counter", lines);
        Assert.Contains("envoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"demo\"} 1", lines);
        Assert.Contains("envoy_cluster_upstream_rq_xx{envoy_response_code_class=\"2\",envoy_cluster_name=\"demo\"} 1", lines);
        Assert.Contains("envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix=\"ingress_http\"} 5", lines);
        Assert.Contains("envoy_http_downstream_rq_xx{envoy_response_code_class=\"4\",envoy_http_conn_manager_prefix=\"ingress_http\"} 1", lines);
        Assert.Contains("# TYPE envoy_cluster_upstream_rq_active gauge", lines);
        Assert.Contains("# TYPE envoy_server_live gauge", lines);
        Assert.Contains("envoy_server_live 1", lines);
        // One TYPE line per metric name.
        var typeLines = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(typeLines.Count, typeLines.Distinct().Count());
    }

    [Fact]
    public async Task Clusters_text_has_envoy_lines_per_cluster_and_host()
    {
        var lines = (await _gateway.Admin.GetStringAsync("/clusters")).Split('\n');
        var host = $"demo::127.0.0.1:{_upstreamPort}";
        Assert.Contains("demo::observability_name::demo", lines);
        Assert.Contains("demo::default_priority::max_connections::1024", lines);
        Assert.Contains("demo::default_priority::max_pending_requests::1024", lines);
        Assert.Contains("demo::default_priority::max_requests::1024", lines);
        Assert.Contains("demo::default_priority::max_retries::3", lines);
        Assert.Contains("demo::high_priority::max_connections::1024", lines);
        Assert.Contains("demo::added_via_api::false", lines);
        Assert.Contains($"{host}::rq_total::2", lines);
        Assert.Contains($"{host}::rq_success::1", lines);
        Assert.Contains($"{host}::rq_timeout::1", lines);
        Assert.Contains($"{host}::rq_active::0", lines);
        Assert.Contains($"{host}::health_flags::healthy", lines);
        Assert.Contains($"{host}::weight::1", lines);
        Assert.Contains($"{host}::hostname::", lines);
        Assert.Contains($"{host}::priority::0", lines);
        Assert.Contains($"{host}::success_rate::-1", lines);
        Assert.Contains(lines, l => l.StartsWith("dead::127.0.0.1:", StringComparison.Ordinal) && l.Contains("::cx_connect_fail::", StringComparison.Ordinal) && !l.EndsWith("::0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Clusters_json_has_cluster_statuses()
    {
        var response = await _gateway.Admin.GetAsync("/clusters?format=json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var demo = json.RootElement.GetProperty("cluster_statuses").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "demo");
        var host = demo.GetProperty("host_statuses").EnumerateArray().Single();
        var address = host.GetProperty("address").GetProperty("socket_address");
        Assert.Equal("127.0.0.1", address.GetProperty("address").GetString());
        Assert.Equal(_upstreamPort, address.GetProperty("port_value").GetInt32());
        var stats = host.GetProperty("stats").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString());
        Assert.Equal("2", stats["rq_total"]);
        Assert.Equal("0", stats["cx_connect_fail"]);
        Assert.Equal("HEALTHY", host.GetProperty("health_status").GetProperty("eds_health_status").GetString());
        Assert.Equal(1, host.GetProperty("weight").GetInt32());
    }

    [Fact]
    public async Task Server_info_reports_state_version_uptime_and_command_line()
    {
        using var json = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/server_info"));
        var root = json.RootElement;
        Assert.Equal("LIVE", root.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.EndsWith("s", root.GetProperty("uptime_current_epoch").GetString());
        Assert.EndsWith("s", root.GetProperty("uptime_all_epochs").GetString());
        Assert.Equal("disabled", root.GetProperty("hot_restart_version").GetString());
        var options = root.GetProperty("command_line_options");
        Assert.EndsWith("envoy.yaml", options.GetProperty("config_path").GetString());
        Assert.Equal("info", options.GetProperty("log_level").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("node").ValueKind);
    }

    [Fact]
    public async Task Config_dump_has_envoys_four_dumps_built_from_the_loaded_config()
    {
        using var json = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/config_dump"));
        var configs = json.RootElement.GetProperty("configs").EnumerateArray().ToList();
        Assert.Equal(
            new[]
            {
                "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
                "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
                "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
                "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
            },
            configs.Select(c => c.GetProperty("@type").GetString()));
        var clusters = configs[1].GetProperty("static_clusters").EnumerateArray().Select(c => c.GetProperty("cluster")).ToList();
        Assert.Equal(new[] { "demo", "dead" }, clusters.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("STATIC", clusters[0].GetProperty("type").GetString());
        Assert.Equal("1s", clusters[0].GetProperty("connect_timeout").GetString());
        var endpoint = clusters[0].GetProperty("load_assignment").GetProperty("endpoints")[0].GetProperty("lb_endpoints")[0]
            .GetProperty("endpoint").GetProperty("address").GetProperty("socket_address");
        Assert.Equal(_upstreamPort, endpoint.GetProperty("port_value").GetInt32());
        var listener = configs[2].GetProperty("static_listeners")[0].GetProperty("listener");
        Assert.Equal("listener_0", listener.GetProperty("name").GetString());
        var hcm = listener.GetProperty("filter_chains")[0].GetProperty("filters")[0].GetProperty("typed_config");
        Assert.Equal("ingress_http", hcm.GetProperty("stat_prefix").GetString());
        var routeConfig = configs[3].GetProperty("static_route_configs")[0].GetProperty("route_config");
        Assert.Equal("local_route", routeConfig.GetProperty("name").GetString());
        var routes = routeConfig.GetProperty("virtual_hosts")[0].GetProperty("routes");
        Assert.Equal("/direct", routes[0].GetProperty("match").GetProperty("prefix").GetString());
        Assert.Equal(200, routes[0].GetProperty("direct_response").GetProperty("status").GetInt32());
        Assert.Equal("0.300s", routes[2].GetProperty("route").GetProperty("timeout").GetString());
        Assert.Equal(JsonValueKind.Object, configs[0].GetProperty("bootstrap").GetProperty("static_resources").ValueKind);
    }

    [Fact]
    public async Task Ready_says_live()
    {
        var response = await _gateway.Admin.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("LIVE\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_path_is_404_with_the_command_list()
    {
        var response = await _gateway.Admin.GetAsync("/no_such_thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("invalid path. admin commands are:\n", text);
        Assert.Contains("  /quitquitquit (POST): exit the server\n", text);
        Assert.Contains("  /ready: print server state, return 200 if LIVE, otherwise return 503\n", text);
        Assert.Contains("  /stats: print server stats\n", text);
        Assert.Contains("      filter: Regular expression (Google re2) for filtering stats\n", text);
    }

    [Theory]
    [InlineData("/quitquitquit")]
    [InlineData("/healthcheck/fail")]
    [InlineData("/healthcheck/ok")]
    [InlineData("/logging")]
    [InlineData("/reset_counters")]
    public async Task State_changing_endpoints_refuse_get(string path)
    {
        var response = await _gateway.Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("Method GET not allowed, POST required.", await response.Content.ReadAsStringAsync());
        Assert.Equal("LIVE\n", await _gateway.Admin.GetStringAsync("/ready"));
    }

    [Fact]
    public async Task Home_page_and_listeners()
    {
        var home = await _gateway.Admin.GetAsync("/");
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
        Assert.Contains("href='/stats'", await home.Content.ReadAsStringAsync());

        var port = _gateway.PortOf("listener_0");
        Assert.Equal($"listener_0::127.0.0.1:{port}\n", await _gateway.Admin.GetStringAsync("/listeners"));
    }

    [Fact]
    public async Task Admin_requests_count_in_http_admin_stats()
    {
        // Other tests of the class read admin too, so compare reads around one GET /ready. A request is
        // counted when it starts and its 2xx once its body is written, so the k-th read after the GET sees
        // 1 + k more requests (the GET and the k reads) and, once every earlier one has finished, 1 + k more
        // 2xx (the first read, the GET and the k - 1 reads before it); read until it does.
        const string Filter = "?filter=^http\\.admin\\.";
        var before = await _gateway.StatsAsync(Filter);
        Assert.Equal("LIVE\n", await _gateway.Admin.GetStringAsync("/ready"));
        Dictionary<string, long> after;
        var reads = 0;
        do
        {
            after = await _gateway.StatsAsync(Filter);
            reads++;
        }
        while (after["http.admin.downstream_rq_2xx"] < before["http.admin.downstream_rq_2xx"] + 1 + reads && reads < 200);

        Assert.Equal(before["http.admin.downstream_rq_total"] + 1 + reads, after["http.admin.downstream_rq_total"]);
        Assert.Equal(before["http.admin.downstream_rq_2xx"] + 1 + reads, after["http.admin.downstream_rq_2xx"]);
    }
}
