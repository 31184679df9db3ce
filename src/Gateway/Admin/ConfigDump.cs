using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using YamlDotNet.RepresentationModel;

namespace Gateway.Admin;

/// <summary>
/// GET /config_dump: the loaded envoy.yaml as Envoy's admin config dump (BootstrapConfigDump,
/// ClustersConfigDump, ListenersConfigDump, RoutesConfigDump). It is rendered from the file's own YAML
/// tree with the field catalog's types (<see cref="ProtoJsonRenderer"/>), so it shows every field as
/// configured, each filter's typed_config included, in Envoy's spelling, with secrets redacted.
/// </summary>
public static class ConfigDump
{
    private const string TypePrefix = "type.googleapis.com/";
    private const string HcmType = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

    public static string Json(BootstrapConfig config, DateTimeOffset loadedAt)
    {
        var lastUpdated = loadedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        // The text was loaded once already, so it parses again; findings are not wanted here.
        var root = YamlDocumentReader.Parse(config.SourceText, new ConfigLoadContext(config.SourceFile, ignoreUnsupported: true))
                   ?? new YamlMappingNode();
        AddUserAgent(root);
        var statics = ProtoJsonRenderer.Child(root, "static_resources");
        var listeners = ProtoJsonRenderer.Items(ProtoJsonRenderer.Child(statics, "listeners")).ToArray();
        var clusters = ProtoJsonRenderer.Items(ProtoJsonRenderer.Child(statics, "clusters")).ToArray();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("configs");

            json.WriteStartObject();
            json.WriteString("@type", TypePrefix + "envoy.admin.v3.BootstrapConfigDump");
            json.WritePropertyName("bootstrap");
            ProtoJsonRenderer.WriteMessage(json, root, BootstrapLoader.BootstrapType);
            json.WriteString("last_updated", lastUpdated);
            json.WriteEndObject();

            WriteStaticDump(json, "ClustersConfigDump", "static_clusters", "cluster", clusters, "envoy.config.cluster.v3.Cluster", lastUpdated,
                w => WriteDynamic(w, config, "cluster", lastUpdated));
            WriteStaticDump(json, "ListenersConfigDump", "static_listeners", "listener", listeners, "envoy.config.listener.v3.Listener", lastUpdated,
                w => WriteDynamic(w, config, "listener", lastUpdated));
            WriteStaticDump(json, "RoutesConfigDump", "static_route_configs", "route_config", RouteConfigs(listeners).ToArray(),
                "envoy.config.route.v3.RouteConfiguration", lastUpdated, w => WriteDynamic(w, config, "route_config", lastUpdated));

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The bootstrap's node as Envoy's /server_info shows it (the file's fields, user_agent_name filled in).</summary>
    internal static void WriteNode(Utf8JsonWriter json, BootstrapConfig config)
    {
        var root = YamlDocumentReader.Parse(config.SourceText, new ConfigLoadContext(config.SourceFile, ignoreUnsupported: true))
                   ?? new YamlMappingNode();
        AddUserAgent(root);
        SetIdentity(root, config);
        ProtoJsonRenderer.WriteMessage(json, ProtoJsonRenderer.Child(root, "node")!, "envoy.config.core.v3.Node");
    }

    /// <summary>Envoy fills in node.user_agent_name ("envoy") whatever the file says about the node.</summary>
    private static void AddUserAgent(YamlMappingNode root)
    {
        if (ProtoJsonRenderer.Child(root, "node") is not YamlMappingNode node)
        {
            node = new YamlMappingNode();
            var children = root.Children.ToArray();
            root.Children.Clear();
            root.Add("node", node);
            foreach (var (k, v) in children)
            {
                if (k is not YamlScalarNode { Value: "node" })
                {
                    root.Add(k, v);
                }
            }
        }

        if (ProtoJsonRenderer.Child(node, "user_agent_name") is null)
        {
            node.Add("user_agent_name", "envoy");
        }
    }

    /// <summary>--service-cluster and --service-node replace the file's node.cluster and node.id (the config holds the result).</summary>
    private static void SetIdentity(YamlMappingNode root, BootstrapConfig config)
    {
        if (ProtoJsonRenderer.Child(root, "node") is not YamlMappingNode node)
        {
            return;
        }

        foreach (var (field, value) in new[] { ("id", config.NodeId), ("cluster", config.NodeCluster) })
        {
            if (value.Length > 0)
            {
                node.Children[new YamlScalarNode(field)] = new YamlScalarNode(value);
            }
        }
    }

    /// <summary>Every route_config written inline in an http_connection_manager, in file order.</summary>
    private static IEnumerable<YamlNode> RouteConfigs(IEnumerable<YamlNode> listeners)
    {
        foreach (var listener in listeners)
        {
            foreach (var chain in ProtoJsonRenderer.Items(ProtoJsonRenderer.Child(listener, "filter_chains")))
            {
                foreach (var filter in ProtoJsonRenderer.Items(ProtoJsonRenderer.Child(chain, "filters")))
                {
                    var typed = ProtoJsonRenderer.Child(filter, "typed_config");
                    if (ProtoJsonRenderer.Child(typed, "@type") is YamlScalarNode { Value: { } type } &&
                        type.EndsWith(HcmType, StringComparison.Ordinal) &&
                        ProtoJsonRenderer.Child(typed, "route_config") is YamlMappingNode routes)
                    {
                        yield return routes;
                    }
                }
            }
        }
    }

    /// <summary>
    /// One of Envoy's static dumps: <c>{"@type": envoy.admin.v3.<paramref name="dumpType"/>,
    /// "<paramref name="listName"/>": [{"<paramref name="itemName"/>": item, "last_updated": ...}]}</c>.
    /// </summary>
    private static void WriteStaticDump(
        Utf8JsonWriter json,
        string dumpType,
        string listName,
        string itemName,
        IReadOnlyList<YamlNode> items,
        string itemType,
        string lastUpdated,
        Action<Utf8JsonWriter>? dynamic = null)
    {
        json.WriteStartObject();
        json.WriteString("@type", TypePrefix + "envoy.admin.v3." + dumpType);
        json.WriteStartArray(listName);
        foreach (var item in items)
        {
            json.WriteStartObject();
            json.WritePropertyName(itemName);
            ProtoJsonRenderer.WriteMessage(json, item, itemType, withType: true);
            json.WriteString("last_updated", lastUpdated);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        dynamic?.Invoke(json);
        json.WriteEndObject();
    }

    /// <summary>
    /// The resources of the LDS / CDS files as Envoy dumps xDS resources: <c>dynamic_active_clusters</c>
    /// (version_info, cluster, last_updated) and <c>dynamic_listeners</c> (name, active_state), plus the
    /// dump's version_info.
    /// </summary>
    private static void WriteDynamic(Utf8JsonWriter json, BootstrapConfig config, string kind, string lastUpdated)
    {
        var files = config.DynamicFiles.Where(f => f.Kind == kind).ToArray();
        if (files.Length == 0)
        {
            return;
        }

        var (listName, itemType) = kind switch
        {
            "cluster" => ("dynamic_active_clusters", "envoy.config.cluster.v3.Cluster"),
            "listener" => ("dynamic_listeners", "envoy.config.listener.v3.Listener"),
            _ => ("dynamic_route_configs", "envoy.config.route.v3.RouteConfiguration"),
        };
        if (kind != "route_config")
        {
            json.WriteString("version_info", files[^1].VersionInfo);
        }

        json.WriteStartArray(listName);
        foreach (var file in files)
        {
            var root = YamlDocumentReader.Parse(file.Text, new ConfigLoadContext(file.Path, ignoreUnsupported: true)) ?? new YamlMappingNode();
            foreach (var resource in ProtoJsonRenderer.Items(ProtoJsonRenderer.Child(root, "resources")))
            {
                // The resource is an Any: its own @type is written by the renderer, not as a field.
                var item = resource is YamlMappingNode any
                    ? new YamlMappingNode(any.Children.Where(c => c.Key is not YamlScalarNode { Value: "@type" }))
                    : resource;
                json.WriteStartObject();
                if (kind == "listener")
                {
                    json.WriteString("name", (ProtoJsonRenderer.Child(item, "name") as YamlScalarNode)?.Value ?? "");
                    json.WriteStartObject("active_state");
                }

                json.WriteString("version_info", file.VersionInfo);
                json.WritePropertyName(kind);
                ProtoJsonRenderer.WriteMessage(json, item, itemType, withType: true);
                json.WriteString("last_updated", lastUpdated);
                if (kind == "listener")
                {
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
    }

    /// <summary>A duration as Envoy prints it: <c>15s</c>, <c>0.300s</c>.</summary>
    public static string Duration(TimeSpan value) => ProtoJsonRenderer.FormatDuration(value);
}
