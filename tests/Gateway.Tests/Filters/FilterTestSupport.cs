using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters;

/// <summary>Shared setup of the filter tests: a counting upstream, config loading for parse errors, header reads.</summary>
internal static class FilterTestSupport
{
    /// <summary>Loads <paramref name="yaml"/> as the gateway would; the ConfigException's diagnostics when refused, else none.</summary>
    public static IReadOnlyList<ConfigDiagnostic> Diagnostics(string yaml)
    {
        try
        {
            var result = BootstrapLoader.Load(yaml, "test.yaml", new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
            return result.Warnings;
        }
        catch (ConfigException e)
        {
            return e.Diagnostics;
        }
    }

    /// <summary>The single error of <paramref name="yaml"/>, which must be refused.</summary>
    public static ConfigDiagnostic SingleError(string yaml) =>
        Assert.Single(Diagnostics(yaml), d => d.Kind != ConfigDiagnosticKind.Warning);

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    /// <summary>A bootstrap with <paramref name="filters"/> ahead of the router and <paramref name="routes"/> to cluster backend on <paramref name="port"/>.</summary>
    public static string Yaml(string filters, int port = 8000, string? routes = null) =>
        EnvoyYaml.WithRoutes(routes ?? "- match: { prefix: \"/\" }\n  route: { cluster: backend }", EnvoyYaml.StaticCluster("backend", port), httpFilters: filters);

    /// <summary>Loads <paramref name="filters"/> (and <paramref name="routes"/>) with every filter factory of the gateway; throws ConfigException when refused.</summary>
    public static BootstrapLoadResult Load(string filters, string? routes = null) =>
        BootstrapLoader.Load(Yaml(filters, routes: routes), "envoy.yaml", new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));

    /// <summary>The parsed settings of the first http filter.</summary>
    public static T SettingsOf<T>(string filters) =>
        Assert.IsType<T>(Load(filters).Config.Listeners[0].Http.HttpFilters[0].Settings);

    /// <summary>The load error's text (the test fails when the config loads).</summary>
    public static string LoadError(string filters, string? routes = null) =>
        Assert.Throws<ConfigException>(() => Load(filters, routes)).Message;

    /// <summary>A route table forwarding everything to cluster <c>backend</c> on <paramref name="port"/>, with <paramref name="filters"/> before the router.</summary>
    public static string Proxied(string filters, int port, string routes = "- match: { prefix: \"/\" }\n  route: { cluster: backend }\n", string vhostExtra = "") =>
        EnvoyYaml.WithRoutes(routes, EnvoyYaml.StaticCluster("backend", port), vhostExtra: vhostExtra, httpFilters: filters);
}

/// <summary>An upstream that counts requests and answers 200 "upstream" with x-upstream: yes.</summary>
internal sealed class CountingUpstream : IAsyncDisposable
{
    private TinyUpstream _upstream = null!;
    private int _hits;

    public int Port => _upstream.Port;

    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Request headers of the latest request.</summary>
    public IHeaderDictionary? LastHeaders { get; private set; }

    public static async Task<CountingUpstream> StartAsync()
    {
        var counting = new CountingUpstream();
        counting._upstream = await TinyUpstream.StartAsync(async ctx =>
        {
            counting.LastHeaders = new HeaderDictionary(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
            Interlocked.Increment(ref counting._hits);
            ctx.Response.Headers["x-upstream"] = "yes";
            await ctx.Response.WriteAsync("upstream");
        });
        return counting;
    }

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();
}
