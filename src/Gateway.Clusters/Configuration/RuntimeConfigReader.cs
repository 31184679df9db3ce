using Gateway.Clusters.Model;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads layered_runtime (static and admin layers; disk and RTDS layers are refused by name), and the
/// runtime-keyed values other messages hold (RuntimeFractionalPercent, FractionalPercent, RuntimeFeatureFlag).
/// </summary>
public static class RuntimeConfigReader
{
    public static RuntimeConfig Read(MessageReader? runtime)
    {
        if (runtime is null)
        {
            return RuntimeConfig.Empty;
        }

        var layers = new List<RuntimeLayerConfig>();
        foreach (var layer in runtime.Messages("layers", "envoy.config.bootstrap.v3.RuntimeLayer"))
        {
            var name = layer.RequiredString("name");
            if (layer.Take("static_layer") is { } staticNode)
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                if (staticNode is YamlMappingNode map)
                {
                    Flatten(map, "", values);
                }
                else
                {
                    layer.Context.Error(layer.Join("static_layer"), YamlMark.Of(staticNode), "a static_layer is a mapping of runtime keys to values");
                }

                layers.Add(new RuntimeLayerConfig(name, RuntimeLayerKind.Static, values));
            }
            else if (layer.Message("admin_layer", "envoy.config.bootstrap.v3.RuntimeLayer.AdminLayer") is { } admin)
            {
                admin.Finish();
                layers.Add(new RuntimeLayerConfig(name, RuntimeLayerKind.Admin, new Dictionary<string, string>()));
            }

            else if (layer.Message("disk_layer", "envoy.config.bootstrap.v3.RuntimeLayer.DiskLayer") is { } disk)
            {
                var root = disk.String("symlink_root") ?? "";
                var subdirectory = disk.String("subdirectory") ?? "";
                disk.Unsupported("append_service_cluster", "name the service cluster's directory in subdirectory instead");
                disk.Finish();
                layers.Add(new RuntimeLayerConfig(name, RuntimeLayerKind.Disk, new Dictionary<string, string>())
                {
                    Directory = Path.Combine(root, subdirectory),
                });
            }

            layer.Unsupported("rtds_layer", "runtime discovery is not implemented; use a static_layer or an admin_layer");
            layer.Finish();
        }

        runtime.Finish();
        if (layers.Count == 0)
        {
            // Envoy gives a layered_runtime without layers one (unnamed) admin layer.
            layers.Add(new RuntimeLayerConfig("", RuntimeLayerKind.Admin, new Dictionary<string, string>()));
        }

        return new RuntimeConfig(layers);
    }

    /// <summary>Envoy flattens nested static_layer maps into dotted keys (health_check: {min_interval: 5} is health_check.min_interval).</summary>
    private static void Flatten(YamlMappingNode map, string prefix, Dictionary<string, string> values)
    {
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = prefix + ((keyNode as YamlScalarNode)?.Value ?? "");
            switch (valueNode)
            {
                case YamlMappingNode nested:
                    Flatten(nested, key + ".", values);
                    break;
                case YamlScalarNode scalar:
                    values[key] = scalar.Value ?? "";
                    break;
                default:
                    values[key] = valueNode.ToString();
                    break;
            }
        }
    }

    /// <summary>envoy.config.core.v3.RuntimeFeatureFlag in <paramref name="field"/>, or null when absent.</summary>
    public static RuntimeFeatureFlagConfig? ReadRuntimeFeatureFlag(MessageReader owner, string field)
    {
        if (owner.Message(field, "envoy.config.core.v3.RuntimeFeatureFlag") is not { } flag)
        {
            return null;
        }

        var value = flag.Bool("default_value", true);
        var key = flag.RequiredString("runtime_key");
        flag.Finish();
        return new RuntimeFeatureFlagConfig(value, key);
    }
}
