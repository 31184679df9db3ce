using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters;

/// <summary>Loads http_filters snippets through the real bootstrap loader with every filter factory of the gateway.</summary>
internal static class FilterTestSupport
{
    /// <summary>A bootstrap with <paramref name="filters"/> ahead of the router and <paramref name="routes"/> to cluster backend.</summary>
    public static string Yaml(string filters, int port = 8000, string? routes = null) =>
        EnvoyYaml.WithRoutes(routes ?? "- match: { prefix: \"/\" }\n  route: { cluster: backend }", EnvoyYaml.StaticCluster("backend", port), httpFilters: filters);

    public static BootstrapLoadResult Load(string filters, string? routes = null) =>
        BootstrapLoader.Load(Yaml(filters, routes: routes), "envoy.yaml", new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));

    /// <summary>The parsed settings of the first http filter.</summary>
    public static T SettingsOf<T>(string filters) =>
        Assert.IsType<T>(Load(filters).Config.Listeners[0].Http.HttpFilters[0].Settings);

    /// <summary>The load error's text (the test fails when the config loads).</summary>
    public static string LoadError(string filters, string? routes = null) =>
        Assert.Throws<ConfigException>(() => Load(filters, routes)).Message;

    /// <summary>The value of a response header (content headers included), or null.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
