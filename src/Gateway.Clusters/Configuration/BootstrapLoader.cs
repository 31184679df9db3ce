using System.Text;
using Gateway.Clusters.Model;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads an Envoy v3 static bootstrap (envoy.yaml) into an immutable <see cref="BootstrapConfig"/>.
/// Every problem is collected with its YAML path and line, then thrown together as a
/// <see cref="ConfigException"/>; a user mistake never surfaces as a stack trace.
/// </summary>
public static class BootstrapLoader
{
    public const string BootstrapType = "envoy.config.bootstrap.v3.Bootstrap";

    public static BootstrapLoadResult LoadFile(string path, BootstrapLoadOptions options)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigDiagnostic(ConfigDiagnosticKind.Error, path, "", 0, 0,
                $"cannot read the config file: {e.Message.TrimEnd('.')}; pass an existing file with -c FILE")]);
        }

        return Load(text, path, options);
    }

    public static BootstrapLoadResult Load(string yaml, string sourceName, BootstrapLoadOptions options)
    {
        var context = new ConfigLoadContext(sourceName, options.IgnoreUnsupported);
        var root = YamlDocumentReader.Parse(yaml, context);
        if (options.OverlayYaml is { Length: > 0 } overlayText)
        {
            var overlayContext = new ConfigLoadContext("--config-yaml", options.IgnoreUnsupported);
            var overlay = YamlDocumentReader.Parse(overlayText, overlayContext);
            context.Include(overlayContext);
            if (overlay is not null)
            {
                root ??= new YamlMappingNode();
                YamlOverlay.MergeInto(root, overlay);
                yaml = YamlOverlay.ToText(root);
            }
        }

        context.ThrowIfFailed();
        var reader = new MessageReader(context, root!, "", BootstrapType, BootstrapType);
        var config = ReadBootstrap(reader, sourceName, options) with { SourceText = yaml };
        context.ThrowIfFailed();
        var warnings = context.Diagnostics.Where(d => d.Kind is ConfigDiagnosticKind.Unsupported or ConfigDiagnosticKind.Warning).ToArray();
        var ignored = context.Diagnostics.Where(d => d.Kind == ConfigDiagnosticKind.Inert).ToArray();
        return new BootstrapLoadResult(config, warnings) { Ignored = ignored };
    }

    private static BootstrapConfig ReadBootstrap(MessageReader root, string sourceName, BootstrapLoadOptions options)
    {
        // node identifies this proxy to a management server; only node.cluster is visible to clients
        // (the health_check filter's x-envoy-upstream-healthchecked-cluster).
        var nodeCluster = "";
        var nodeId = "";
        if (root.Message("node", "envoy.config.core.v3.Node") is { } node)
        {
            nodeId = node.String("id") ?? "";
            nodeCluster = node.String("cluster") ?? "";
            node.Accept("metadata");
            node.Accept("locality");
            node.Finish();
        }

        // --service-cluster / --service-node replace the file's values, as Envoy's LocalInfo does.
        nodeCluster = options.ServiceCluster.Length > 0 ? options.ServiceCluster : nodeCluster;
        nodeId = options.ServiceNode.Length > 0 ? options.ServiceNode : nodeId;
        var admin = ReadAdmin(root.Message("admin", "envoy.config.bootstrap.v3.Admin"));
        var sinks = StatsSinkReader.ReadAll(root.Messages("stats_sinks", "envoy.config.metrics.v3.StatsSink"));
        var flushInterval = root.Duration("stats_flush_interval") is { } flush && flush > TimeSpan.Zero ? flush : TimeSpan.FromSeconds(5);
        var runtime = RuntimeConfigReader.Read(root.Message("layered_runtime", "envoy.config.bootstrap.v3.LayeredRuntime"));
        var listeners = new List<ListenerConfig>();
        var clusters = new List<ClusterConfig>();
        var (lds, cds) = DynamicResourcesReader.Read(root);
        var statics = root.Message("static_resources", "envoy.config.bootstrap.v3.Bootstrap.StaticResources");
        if (statics is not null)
        {
            clusters.AddRange(ClusterConfigReader.ReadAll(statics.Messages("clusters", "envoy.config.cluster.v3.Cluster"), root.Context));
        }
        else if (lds is null && cds is null)
        {
            root.Context.Error("static_resources", YamlMark.None, "missing static_resources; give static listeners and clusters, or dynamic_resources with path_config_source files");
        }

        // CDS clusters join the static ones before any listener names a cluster.
        if (cds is not null && DiscoveryFile.Read(cds, "envoy.config.cluster.v3.Cluster", root.Context, "dynamic_resources.cds_config") is { } cdsFile)
        {
            var dynamicClusters = ClusterConfigReader.ReadAll(cdsFile.Resources, cdsFile.Context);
            foreach (var cluster in dynamicClusters)
            {
                if (clusters.Any(c => c.Name == cluster.Name))
                {
                    cdsFile.Context.Error("resources", YamlMark.None, $"cluster '{cluster.Name}' is already a static cluster; a CDS cluster cannot replace it");
                    continue;
                }

                clusters.Add(cluster);
            }

            root.Context.DynamicFiles.Add(cdsFile.ToModel("cluster"));
            root.Context.Include(cdsFile.Context);
        }

        var clusterNames = clusters.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (statics is not null)
        {
            var listenerReaders = statics.Messages("listeners", "envoy.config.listener.v3.Listener");
            for (var i = 0; i < listenerReaders.Count; i++)
            {
                if (ListenerConfigReader.Read(listenerReaders[i], i, clusterNames, options) is { } listener)
                {
                    listeners.Add(listener);
                }
            }

            statics.Finish();
        }

        if (lds is not null && DiscoveryFile.Read(lds, "envoy.config.listener.v3.Listener", root.Context, "dynamic_resources.lds_config") is { } ldsFile)
        {
            for (var i = 0; i < ldsFile.Resources.Count; i++)
            {
                if (ListenerConfigReader.Read(ldsFile.Resources[i], listeners.Count, clusterNames, options) is { } listener)
                {
                    listeners.Add(listener);
                }
            }

            root.Context.DynamicFiles.Add(ldsFile.ToModel("listener"));
            root.Context.Include(ldsFile.Context);
        }

        CheckDuplicateListeners(listeners, root.Context);

        root.Finish();
        return new BootstrapConfig(sourceName, admin, listeners, clusters)
        {
            NodeCluster = nodeCluster,
            NodeId = nodeId,
            StatsSinks = sinks,
            StatsFlushInterval = flushInterval,
            Runtime = runtime,
            DynamicFiles = root.Context.DynamicFiles.ToArray(),
            DependentFiles = root.Context.ReferencedFiles.Distinct(StringComparer.Ordinal).ToArray(),
        };
    }

    private static AdminConfig? ReadAdmin(MessageReader? admin)
    {
        if (admin is null)
        {
            return null;
        }

        var address = SocketAddressReader.Read(admin.Message("address", "envoy.config.core.v3.Address"), admin, "address");
        var accessLogPath = admin.String("access_log_path");
        var accessLogs = AccessLogReader.ReadAll(admin.Messages("access_log", "envoy.config.accesslog.v3.AccessLog"));
        admin.Accept("profile_path");
        admin.Finish();
        return address is null ? null : new AdminConfig(address, accessLogPath) { AccessLogs = accessLogs };
    }

    private static void CheckDuplicateListeners(List<ListenerConfig> listeners, ConfigLoadContext context)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            if (!names.Add(listener.Name))
            {
                context.Error(listener.YamlPath + ".name", YamlMark.None, $"error adding listener: duplicate listener name '{listener.Name}'; give each listener its own name");
            }

            if (listener.Address.Port != 0 && !addresses.Add(listener.Address.ToString()))
            {
                context.Error(listener.YamlPath + ".address", YamlMark.None, $"error adding listener '{listener.Address}': another listener already binds that address and port");
            }
        }
    }

    /// <summary>Reads a DataSource (inline_string, inline_bytes, filename) to text.</summary>
    internal static string? ReadDataSource(MessageReader? source)
    {
        if (source is null)
        {
            return null;
        }

        string? result = null;
        if (source.String("inline_string") is { } inline)
        {
            result = inline;
        }
        else if (source.String("inline_bytes") is { } bytes)
        {
            try
            {
                result = Encoding.UTF8.GetString(Convert.FromBase64String(bytes));
            }
            catch (FormatException)
            {
                source.Context.Error(source.Join("inline_bytes"), source.MarkOf("inline_bytes"), "inline_bytes must be base64");
            }
        }
        else if (source.String("filename") is { } file)
        {
            try
            {
                result = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                source.Context.Error(source.Join("filename"), source.MarkOf("filename"), $"cannot read '{file}': {e.Message}");
            }
        }
        else if (source.String("environment_variable") is { } variable)
        {
            result = Environment.GetEnvironmentVariable(variable);
            if (result is null)
            {
                source.Context.Error(source.Join("environment_variable"), source.MarkOf("environment_variable"), $"environment variable '{variable}' is not set");
            }
        }
        else
        {
            source.Context.Error(source.Path, source.Mark, "a data source needs one of inline_string, inline_bytes, filename, environment_variable");
        }

        source.Finish();
        return result;
    }
}
