using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads Bootstrap.dynamic_resources as far as this gateway serves it: <c>lds_config</c> and <c>cds_config</c>
/// from files (path_config_source). xDS from a management server (ads_config, api_config_source, ads) is
/// refused by name.
/// </summary>
internal static class DynamicResourcesReader
{
    private const string ConfigSourceType = "envoy.config.core.v3.ConfigSource";
    private const string ServerHint = "xDS from a management server (gRPC/REST) is not implemented; give it a path_config_source naming a DiscoveryResponse file";

    public static (FileConfigSource? Lds, FileConfigSource? Cds) Read(MessageReader root)
    {
        var dynamic = root.Message("dynamic_resources", "envoy.config.bootstrap.v3.Bootstrap.DynamicResources");
        if (dynamic is null)
        {
            return (null, null);
        }

        if (dynamic.Has("ads_config"))
        {
            dynamic.Unsupported("ads_config", ServerHint);
        }

        var lds = ReadSource(dynamic, "lds_config");
        var cds = ReadSource(dynamic, "cds_config");
        dynamic.Unsupported("lds_resources_locator", "use lds_config with a path_config_source");
        dynamic.Unsupported("cds_resources_locator", "use cds_config with a path_config_source");
        dynamic.Finish();
        return (lds, cds);
    }

    /// <summary>A ConfigSource field that must name a file; null when absent or refused.</summary>
    public static FileConfigSource? ReadSource(MessageReader owner, string field)
    {
        var source = owner.Message(field, ConfigSourceType);
        if (source is null)
        {
            return null;
        }

        source.Accept("resource_api_version");
        source.Duration("initial_fetch_timeout");
        var path = source.String("path");
        string? watched = null;
        if (source.Message("path_config_source", "envoy.config.core.v3.PathConfigSource") is { } pathSource)
        {
            path = pathSource.RequiredString("path");
            if (pathSource.Message("watched_directory", "envoy.config.core.v3.WatchedDirectory") is { } directory)
            {
                watched = directory.RequiredString("path");
                directory.Finish();
            }

            pathSource.Finish();
        }

        var refused = false;
        foreach (var server in new[] { "api_config_source", "ads", "self" })
        {
            if (source.Has(server))
            {
                source.Unsupported(server, ServerHint);
                refused = true;
            }
        }

        source.Unsupported("authorities", ServerHint);
        source.Finish();
        if (string.IsNullOrEmpty(path))
        {
            if (!refused)
            {
                source.Context.Error(source.Path, source.Mark, $"{field} needs a path_config_source (path: a DiscoveryResponse file)");
            }

            return null;
        }

        return new FileConfigSource(path, watched);
    }
}
