using System.Text;
using System.Text.Json;
using Gateway.Hosting;
using Gateway.Logging;
using Gateway.Stats;

namespace Gateway.Admin;

/// <summary>GET /server_info: envoy.admin.v3.ServerInfo as JSON (version, state, uptime, command line).</summary>
public static class ServerInfo
{
    public static string Json(GatewayState state, LogLevels? levels)
    {
        var options = state.Options;
        var uptime = ConfigDump.Duration(TimeSpan.FromSeconds(Math.Floor((DateTimeOffset.UtcNow - state.StartedAt).TotalSeconds)));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("version", ServerVersion.Text);
            json.WriteString("state", state.HealthCheckFailed ? "DRAINING" : "LIVE");
            json.WriteString("hot_restart_version", "disabled");
            json.WriteStartObject("command_line_options");
            json.WriteString("base_id", "0");
            json.WriteNumber("concurrency", Hosting.EventLoops.Concurrency);
            json.WriteString("config_path", options.ConfigPath);
            json.WriteString("config_yaml", options.ConfigYaml ?? "");
            json.WriteBoolean("allow_unknown_static_fields", false);
            json.WriteBoolean("reject_unknown_dynamic_fields", false);
            json.WriteString("admin_address_path", "");
            json.WriteString("local_address_ip_version", "v4");
            json.WriteString("log_level", LogLevels.Name(levels?.Default.MinimumLevel ?? options.LogLevel));
            json.WriteString("component_log_level", string.Join(",", options.ComponentLogLevels.Select(c => $"{c.Key}:{LogLevels.Name(c.Value)}")));
            json.WriteString("log_format", options.JsonLogs ? "json" : options.LogFormat ?? Logging.EnvoyLogFormatter.DefaultPattern);
            json.WriteBoolean("log_format_escaped", false);
            json.WriteString("log_path", options.LogPath ?? "");
            json.WriteString("service_cluster", options.ServiceCluster);
            json.WriteString("service_node", options.ServiceNode);
            json.WriteString("service_zone", options.ServiceZone);
            json.WriteString("drain_time", "600s");
            json.WriteString("drain_strategy", "Gradual");
            json.WriteString("parent_shutdown_time", "900s");
            json.WriteString("mode", options.Mode switch { "validate" => "Validate", "init_only" => "InitOnly", _ => "Serve" });
            json.WriteBoolean("disable_hot_restart", true);
            json.WriteBoolean("enable_mutex_tracing", false);
            json.WriteNumber("restart_epoch", 0);
            json.WriteBoolean("cpuset_threads", false);
            json.WriteStartArray("disabled_extensions");
            json.WriteEndArray();
            json.WriteString("file_flush_interval", "10s");
            json.WriteBoolean("ignore_unknown_dynamic_fields", false);
            json.WriteBoolean("ignore_unsupported", options.IgnoreUnsupported);
            json.WriteBoolean("disable_hot_reload", options.DisableHotReload);
            json.WriteStartArray("argv");
            foreach (var argument in options.Arguments)
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WritePropertyName("node");
            ConfigDump.WriteNode(json, state.Current.Config);
            json.WriteString("uptime_current_epoch", uptime);
            json.WriteString("uptime_all_epochs", uptime);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
