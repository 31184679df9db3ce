using BenchmarkDotNet.Attributes;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Hosting;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks;

/// <summary>
/// Per-request route selection (virtual host + first-match route) with the hit route last, and the
/// per-config-load cost (YAML load, route compilation) as the table grows.
/// </summary>
public class RouteMatchBenchmarks
{
    private string _yaml = "";
    private RouteTableConfig _table = null!;
    private VirtualHostSelector _selector = null!;
    private HttpRequest _request = null!;
    private BootstrapLoadOptions _options = null!;

    [Params(10, 1000, 10000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _yaml = RouteTableYaml.Create(Routes);
        _options = new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions()));
        var config = BootstrapLoader.Load(_yaml, "bench.yaml", _options).Config;
        _table = config.Listeners[0].Http.RouteConfig;
        _selector = new VirtualHostSelector(_table);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/get";
        context.Request.Host = new HostString("127.0.0.1:10000");
        _request = context.Request;
        if (_selector.Select("127.0.0.1:10000")?.Match(_request, "/get", 4) is null)
        {
            throw new InvalidOperationException("the benchmark request matched no route");
        }
    }

    /// <summary>What ProxyHandler does per request to find the route.</summary>
    [Benchmark]
    public CompiledRoute? SelectAndMatch() => _selector.Select("127.0.0.1:10000")?.Match(_request, "/get", 4);

    /// <summary>Parsing and validating the envoy.yaml text (what --mode validate does).</summary>
    [Benchmark]
    public BootstrapConfig LoadYaml() => BootstrapLoader.Load(_yaml, "bench.yaml", _options).Config;

    /// <summary>Compiling the route table for a snapshot.</summary>
    [Benchmark]
    public VirtualHostSelector CompileRoutes() => new(_table, stripAnyPort: false, stripMatchingPort: false);
}
