using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.HealthCheck;

/// <summary>
/// envoy.filters.http.health_check: answers (or, in pass-through mode, forwards) the load balancer's
/// health checks and fails them while the admin's <c>/healthcheck/fail</c> is in force.
/// </summary>
public sealed class HealthCheckFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.health_check.v3.HealthCheck";

    private const string PercentType = "envoy.type.v3.Percent";

    public bool IsTerminal => false;

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        if (!reader.Has("pass_through_mode"))
        {
            reader.Accept("pass_through_mode");
            reader.Context.Error(reader.Join("pass_through_mode"), reader.Mark,
                $"health_check filter '{filterName}': pass_through_mode is required (Envoy: \"PassThroughMode: value is required\"); " +
                "write pass_through_mode: false to answer health checks here, or true to forward them to the upstream");
        }

        var passThrough = reader.Bool("pass_through_mode");
        var cacheMark = reader.MarkOf("cache_time");
        var cacheTime = reader.Duration("cache_time");
        if (cacheTime is { } time && time > TimeSpan.Zero && !passThrough)
        {
            reader.Context.Error(reader.Join("cache_time"), cacheMark,
                $"health_check filter '{filterName}': cache_time must not be set when pass_through_mode is false (Envoy refuses it); remove cache_time or set pass_through_mode: true");
        }

        var headers = reader.Messages("headers", HeaderMatcherReader.MessageType).Select(HeaderMatcherReader.Read).ToArray();
        var percentages = ReadPercentages(reader, filterName);
        // Envoy reads the percentages only when it answers health checks itself; in pass-through the upstream decides.
        return new HealthCheckFilterSettings(
            filterName,
            passThrough,
            cacheTime is { } t && t > TimeSpan.Zero && passThrough ? t : null,
            headers,
            passThrough ? [] : percentages);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not HealthCheckFilterSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(HealthCheckFilterFactory)}.");
        }

        var health = services.GetService<IServerHealth>()
            ?? throw new InvalidOperationException($"{nameof(IServerHealth)} is not registered; the health_check filter needs the server's health-check state.");
        return new HealthCheckFilter(settings, health);
    }

    /// <summary>map&lt;string, envoy.type.v3.Percent&gt;: <c>cluster: { value: 75 }</c>.</summary>
    private static KeyValuePair<string, double>[] ReadPercentages(MessageReader reader, string filterName)
    {
        const string field = "cluster_min_healthy_percentages";
        var path = reader.Join(field);
        var node = reader.Take(field);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlMappingNode map)
        {
            reader.Context.Error(path, YamlMark.Of(node), "expected a mapping of cluster name to { value: PERCENT }");
            return [];
        }

        var result = new List<KeyValuePair<string, double>>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var cluster = (keyNode as YamlScalarNode)?.Value ?? "";
            var entryPath = path + "." + cluster;
            double? percent = null;
            if (valueNode is YamlMappingNode percentMap)
            {
                var percentReader = new MessageReader(reader.Context, percentMap, entryPath, PercentType, reader.RootType);
                percent = percentReader.Double("value") ?? 0;
                percentReader.Finish();
            }
            else
            {
                reader.Context.Error(entryPath, YamlMark.Of(valueNode), $"expected {{ value: PERCENT }} ({PercentType}) for cluster '{cluster}'");
            }

            if (percent is { } value)
            {
                if (value is < 0 or > 100 || double.IsNaN(value))
                {
                    reader.Context.Error(entryPath, YamlMark.Of(valueNode),
                        $"health_check filter '{filterName}': the percentage for cluster '{cluster}' is {value}; it must be between 0 and 100");
                }
                else
                {
                    result.Add(new(cluster, value));
                }
            }
        }

        return result.ToArray();
    }
}
