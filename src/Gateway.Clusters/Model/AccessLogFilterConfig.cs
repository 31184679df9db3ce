namespace Gateway.Clusters.Model;

/// <summary>
/// envoy.config.accesslog.v3.AccessLogFilter: decides whether an access log entry is written, or
/// (in local_reply_config) whether a mapper applies. One of the kinds below.
/// </summary>
public abstract record AccessLogFilterConfig;
