using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Clusters.Stats;
using Gateway.Hosting;
using Gateway.Logging;
using Gateway.Proxy;
using Gateway.Stats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Admin;

/// <summary>
/// Envoy's admin interface on admin.address: the commands CI scripts and dashboards use (/ready,
/// /stats, /clusters, /config_dump, /quitquitquit, ...) with Envoy's paths, texts and status codes.
/// A path matches exactly (the query is ignored for matching); state-changing commands need POST.
/// </summary>
public sealed partial class AdminHandler
{
    private const string TextPlain = "text/plain; charset=UTF-8";
    private const string Json = "application/json";

    private readonly ILogger _logger;
    private readonly LogLevels? _logLevels;
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, AdminEndpoint> _endpoints;
    private GatewayHost? _host;
    private GatewayStatsSource? _stats;

    public AdminHandler(ILoggerFactory loggerFactory, IServiceProvider services)
    {
        _logger = loggerFactory.CreateLogger("admin");
        _services = services;
        _logLevels = services.GetService<LogLevels>();
        AdminEndpoint[] endpoints =
        [
            new("/", "Admin home page", false, [], HomeAsync),
            new("/clusters", "upstream cluster status", false, [("format", "File format to use; One of (text, json)")], ClustersAsync),
            new("/config_dump", "dump current Envoy configs (experimental)", false, [], ConfigDumpAsync),
            new("/healthcheck/fail", "cause the server to fail health checks", true, [], HealthCheckFailAsync),
            new("/healthcheck/ok", "cause the server to pass health checks", true, [], HealthCheckOkAsync),
            new("/help", "print out list of admin commands", false, [], HelpAsync),
            new("/listeners", "print listener info", false, [("format", "File format to use; One of (text, json)")], ListenersAsync),
            new("/logging", "query/change logging levels", true,
            [
                ("paths", "Change multiple logging levels by setting to <logger_name1>:<desired_level1>,<logger_name2>:<desired_level2>."),
                ("level", "desired logging level, this will change all loggers's level; One of (, trace, debug, info, warning, error, critical, off)"),
            ], LoggingAsync),
            new("/quitquitquit", "exit the server", true, [], QuitAsync),
            new("/ready", "print server state, return 200 if LIVE, otherwise return 503", false, [], ReadyAsync),
            new("/reload", "re-read the config file now (the gateway's own; a bad file keeps the running config)", true, [], ReloadAsync),
            new("/reset_counters", "reset all counters to zero", true, [], ResetCountersAsync),
            new("/runtime", "print runtime values", false, [], RuntimeAsync),
            new("/runtime_modify", "Adds or modifies runtime values as passed in query parameters. To delete a previously added key, use an empty string as the value. Note that deletion only applies to overrides added via this endpoint; values loaded from disk can be modified via override but not deleted. E.g. ?key1=value1&key2=value2...", true, [], RuntimeModifyAsync),
            new("/server_info", "print server version/status information", false, [], ServerInfoAsync),
            new("/stats", "print server stats", false,
            [
                ("usedonly", "Only include stats that have been written by system since restart"),
                ("filter", "Regular expression (Google re2) for filtering stats"),
                ("format", "Format to use; One of (text, json, prometheus)"),
                ("type", "Stat types to include.; One of (All, Counters, Gauges)"),
            ], StatsAsync),
            new("/stats/prometheus", "print server stats in prometheus format", false,
            [
                ("usedonly", "Only include stats that have been written by system since restart"),
                ("filter", "Regular expression (Google re2) for filtering stats"),
            ], PrometheusAsync),
        ];
        _endpoints = endpoints.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    /// <summary>The admin listener's own <c>http.admin.*</c> counters, as Envoy keeps them.</summary>
    public HttpConnectionManagerStats Stats { get; } = new();

    /// <summary>Every stat the gateway keeps (what /stats lists), for the stats sinks too; null before <see cref="Attach"/>.</summary>
    internal GatewayStatsSource? StatsSource => _stats;

    internal void Attach(GatewayHost host)
    {
        _host = host;
        _stats = new GatewayStatsSource(host, Stats, _services.GetServices<IReportsStats>());
    }

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref Stats.DownstreamRqTotal);
        Interlocked.Increment(ref Stats.DownstreamRqActive);
        // admin.access_log: only when configured does an admin request carry a request state.
        var snapshot = _host?.State.Current;
        var log = snapshot?.AdminLog;
        var state = log is null ? null : new Proxy.RequestState(context, snapshot!.Clusters, log, System.Diagnostics.Stopwatch.GetTimestamp());
        var counter = log?.AccessLog?.Begin(context);
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref Stats.DownstreamRqActive);
            Stats.RecordResponse(context.Response.StatusCode);
            if (state is not null)
            {
                log!.AccessLog?.Complete(context, state, counter);
            }
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers["x-content-type-options"] = "nosniff";
        headers.CacheControl = "no-cache, max-age=0";
        var path = context.Request.Path.Value ?? "/";
        if (!_endpoints.TryGetValue(path, out var endpoint))
        {
            return WriteAsync(context, StatusCodes.Status404NotFound, TextPlain, "invalid path. " + HelpText());
        }

        if (endpoint.MutatesState && !HttpMethods.IsPost(context.Request.Method))
        {
            Log.PostRequired(_logger, endpoint.Path, context.Request.Method);
            return WriteAsync(context, StatusCodes.Status405MethodNotAllowed, TextPlain, $"Method {context.Request.Method} not allowed, POST required.");
        }

        return endpoint.Handle(context);
    }

    private GatewayHost Host => _host ?? throw new InvalidOperationException("admin handler used before the host attached it");

    private static Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, 0, bytes.Length, context.RequestAborted);
    }

    private static Task OkAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, TextPlain, "OK\n");

    /// <summary>Envoy's list of commands: sorted by path, POST-only ones marked, parameters indented.</summary>
    private string HelpText()
    {
        var text = new StringBuilder("admin commands are:\n");
        foreach (var endpoint in _endpoints.Values.OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            text.Append("  ").Append(endpoint.Path).Append(endpoint.MutatesState ? " (POST)" : "").Append(": ").Append(endpoint.Help).Append('\n');
            foreach (var (name, help) in endpoint.Parameters)
            {
                text.Append("      ").Append(name).Append(": ").Append(help).Append('\n');
            }
        }

        return text.ToString();
    }

    private Task HelpAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, TextPlain, HelpText());

    private Task HomeAsync(HttpContext context)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Envoy Admin</title></head><body>\n<table class='home-table'>\n<thead><tr><th>Command</th><th>Description</th></tr></thead>\n<tbody>\n");
        foreach (var endpoint in _endpoints.Values.Where(e => e.Path != "/").OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            var name = WebUtility.HtmlEncode(endpoint.Path);
            html.Append(endpoint.MutatesState
                ? $"<tr><td><form action='{name}' method='post'><button>{name[1..]}</button></form></td>"
                : $"<tr><td><a href='{name}'>{name[1..]}</a></td>");
            html.Append("<td>").Append(WebUtility.HtmlEncode(endpoint.Help)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</body></html>\n");
        return WriteAsync(context, StatusCodes.Status200OK, "text/html; charset=UTF-8", html.ToString());
    }

    private Task ReadyAsync(HttpContext context) => Host.State.HealthCheckFailed
        ? WriteAsync(context, StatusCodes.Status503ServiceUnavailable, TextPlain, "DRAINING\n")
        : WriteAsync(context, StatusCodes.Status200OK, TextPlain, "LIVE\n");

    private Task HealthCheckFailAsync(HttpContext context)
    {
        Host.State.HealthCheckFailed = true;
        Log.HealthCheck(_logger, "fail");
        return OkAsync(context);
    }

    private Task HealthCheckOkAsync(HttpContext context)
    {
        Host.State.HealthCheckFailed = false;
        Log.HealthCheck(_logger, "ok");
        return OkAsync(context);
    }

    private async Task QuitAsync(HttpContext context)
    {
        await OkAsync(context).ConfigureAwait(false);
        await context.Response.CompleteAsync().ConfigureAwait(false);
        Log.Quit(_logger);
        Host.RequestStop();
    }

    private async Task ReloadAsync(HttpContext context)
    {
        var reload = await Host.Reloader.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, reload.Success ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, TextPlain,
            reload.Success ? "OK\n" : reload.Message + "\n").ConfigureAwait(false);
    }

    private Task ServerInfoAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status200OK, Json, ServerInfo.Json(Host.State, _logLevels));

    private Task ConfigDumpAsync(HttpContext context)
    {
        var snapshot = Host.State.Current;
        return WriteAsync(context, StatusCodes.Status200OK, Json, ConfigDump.Json(snapshot.Config, snapshot.LoadedAt));
    }

    private Task ClustersAsync(HttpContext context)
    {
        var clusters = Host.State.Current.Clusters;
        return context.Request.Query["format"] == "json"
            ? WriteAsync(context, StatusCodes.Status200OK, Json, ClustersReport.Json(clusters))
            : WriteAsync(context, StatusCodes.Status200OK, TextPlain, ClustersReport.Text(clusters));
    }

    private Task ListenersAsync(HttpContext context)
    {
        var slots = Host.Slots.Where(s => !s.IsAdmin).ToList();
        if (context.Request.Query["format"] == "json")
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteStartArray("listener_statuses");
                foreach (var slot in slots)
                {
                    json.WriteStartObject();
                    json.WriteString("name", slot.Name);
                    json.WriteStartObject("local_address");
                    json.WriteStartObject("socket_address");
                    json.WriteString("address", slot.ListenOptions?.IPEndPoint?.Address.ToString() ?? "");
                    json.WriteNumber("port_value", slot.BoundPort);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            return WriteAsync(context, StatusCodes.Status200OK, Json, Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
        }

        var text = new StringBuilder();
        foreach (var slot in slots)
        {
            text.Append(slot.Name).Append("::").Append(slot.ListenOptions?.IPEndPoint?.ToString() ?? "").Append('\n');
        }

        return WriteAsync(context, StatusCodes.Status200OK, TextPlain, text.ToString());
    }

    private Task RuntimeAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status200OK, Json, RuntimeReport.Json(_services.GetRequiredService<Clusters.Runtime.LayeredRuntime>()));

    private async Task RuntimeModifyAsync(HttpContext context)
    {
        var runtime = _services.GetRequiredService<Clusters.Runtime.LayeredRuntime>();
        if (!runtime.HasAdminLayer)
        {
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, TextPlain, "No admin layer specified").ConfigureAwait(false);
            return;
        }

        var values = context.Request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())).ToList();
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            values.AddRange(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.ToString())));
        }

        if (values.Count == 0)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, TextPlain, "usage: /runtime_modify?key1=value1&key2=value2&keyN=valueN\n").ConfigureAwait(false);
            return;
        }

        runtime.Modify(values);
        await OkAsync(context).ConfigureAwait(false);
    }

    private Task ResetCountersAsync(HttpContext context)
    {
        _stats!.Report(new CounterResetter());
        return OkAsync(context);
    }

    private Task StatsAsync(HttpContext context)
    {
        var format = context.Request.Query["format"].ToString();
        if (format == "prometheus")
        {
            return PrometheusAsync(context);
        }

        if (!TrySelectStats(context, out var samples, out var error))
        {
            return WriteAsync(context, StatusCodes.Status400BadRequest, TextPlain, error);
        }

        var type = context.Request.Query["type"].ToString();
        if (type is "Counters" or "Gauges")
        {
            var kind = type == "Counters" ? StatKind.Counter : StatKind.Gauge;
            samples = samples.Where(s => s.Kind == kind).ToList();
        }

        if (format == "json")
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartArray("stats");
                foreach (var sample in samples)
                {
                    json.WriteStartObject();
                    json.WriteString("name", sample.Name);
                    json.WriteNumber("value", sample.Value);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            return WriteAsync(context, StatusCodes.Status200OK, Json, Encoding.UTF8.GetString(buffer.ToArray()));
        }

        if (format is not ("" or "text"))
        {
            return WriteAsync(context, StatusCodes.Status400BadRequest, TextPlain, $"usage: /stats?format=(html|active-html|json|prometheus|text)\n\nInvalid format '{format}'\n");
        }

        var text = new StringBuilder(samples.Count * 48);
        foreach (var sample in samples)
        {
            text.Append(sample.Name).Append(": ").Append(sample.Value).Append('\n');
        }

        return WriteAsync(context, StatusCodes.Status200OK, TextPlain, text.ToString());
    }

    private Task PrometheusAsync(HttpContext context)
    {
        if (!TrySelectStats(context, out var samples, out var error))
        {
            return WriteAsync(context, StatusCodes.Status400BadRequest, TextPlain, error);
        }

        return WriteAsync(context, StatusCodes.Status200OK, "text/plain; charset=UTF-8", PrometheusFormatter.Format(samples));
    }

    /// <summary>Collects the stats and applies <c>filter</c> (a regex searched in the name) and <c>usedonly</c>.</summary>
    private bool TrySelectStats(HttpContext context, out IReadOnlyList<StatSample> samples, out string error)
    {
        var collector = new StatsCollector();
        _stats!.Report(collector);
        IEnumerable<StatSample> selected = collector.Sorted();
        error = "";
        var query = context.Request.Query;
        if (query["filter"].ToString() is { Length: > 0 } pattern)
        {
            Regex regex;
            try
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                samples = [];
                error = "Invalid re2 regex";
                return false;
            }

            selected = selected.Where(s => regex.IsMatch(s.Name));
        }

        if (query.ContainsKey("usedonly"))
        {
            selected = selected.Where(s => s.Value != 0);
        }

        samples = selected.ToList();
        return true;
    }

    private Task LoggingAsync(HttpContext context)
    {
        var levels = _logLevels;
        if (levels is null)
        {
            return WriteAsync(context, StatusCodes.Status404NotFound, TextPlain, "logging levels are not adjustable in this process\n");
        }

        var text = new StringBuilder();
        var status = StatusCodes.Status200OK;
        var query = context.Request.Query;
        if (query.Count > 0)
        {
            var problem = ChangeLevels(levels, query);
            if (problem is not null)
            {
                status = StatusCodes.Status400BadRequest;
                text.Append("error: ").Append(problem).Append("\n\n");
                text.Append("usage: /logging?<name>=<level> (change single level)\n");
                text.Append("usage: /logging?paths=name1:level1,name2:level2,... (change multiple levels)\n");
                text.Append("usage: /logging?level=<level> (change all levels)\n");
                text.Append("levels: ").Append(string.Join("", LogLevels.LevelNames.Select(l => l + " "))).Append('\n');
            }
        }

        text.Append("active loggers:\n");
        foreach (var (name, levelSwitch) in levels.Components)
        {
            text.Append("  ").Append(name).Append(": ").Append(LogLevels.Name(levelSwitch.MinimumLevel)).Append('\n');
        }

        text.Append('\n');
        return WriteAsync(context, status, TextPlain, text.ToString());
    }

    /// <summary>Applies /logging's one parameter (level=, paths= or name=); returns Envoy's error text or null.</summary>
    private string? ChangeLevels(LogLevels levels, IQueryCollection query)
    {
        if (query.Count != 1)
        {
            return "invalid number of parameters";
        }

        var (key, value) = query.First();
        if (key == "level")
        {
            if (!LogLevels.TryParse(value.ToString(), out var all))
            {
                return "unknown logger level";
            }

            Log.ChangeAll(_logger, value.ToString());
            levels.SetAll(all);
            return null;
        }

        var changes = new List<(string Name, Serilog.Events.LogEventLevel Level, string Text)>();
        var pairs = key == "paths"
            ? value.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [key + ":" + value];
        foreach (var pair in pairs)
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? pair : pair[..colon].Trim();
            var levelText = colon < 0 ? "" : pair[(colon + 1)..].Trim();
            if (name.Length == 0 || levelText.Length == 0)
            {
                return "empty logger name or empty logger level";
            }

            if (!LogLevels.TryParse(levelText, out var level))
            {
                return "unknown logger level";
            }

            if (!levels.Components.ContainsKey(name))
            {
                return "unknown logger name";
            }

            changes.Add((name, level, levelText));
        }

        foreach (var (name, level, levelText) in changes)
        {
            Log.ChangeOne(_logger, name, levelText);
            levels.TrySet(name, level);
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "admin path \"{Path}\" mutates state, method={Method} rather than POST")]
        public static partial void PostRequired(ILogger logger, string path, string method);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "change all log levels: level='{Level}'")]
        public static partial void ChangeAll(ILogger logger, string level);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "change log level: name='{Name}' level='{Level}'")]
        public static partial void ChangeOne(ILogger logger, string name, string level);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "healthcheck {Result} requested via admin")]
        public static partial void HealthCheck(ILogger logger, string result);

        [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "shutting down: /quitquitquit received")]
        public static partial void Quit(ILogger logger);
    }
}
