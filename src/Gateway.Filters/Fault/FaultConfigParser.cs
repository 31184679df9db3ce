using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters.Matching;

namespace Gateway.Filters.Fault;

/// <summary>Reads an HTTPFault message (filter level or per route) with Envoy's validation and messages.</summary>
public static class FaultConfigParser
{
    public const string MessageType = "envoy.extensions.filters.http.fault.v3.HTTPFault";

    private static readonly string[] AbortKinds = ["http_status", "grpc_status", "header_abort"];
    private static readonly string[] DelayKinds = ["fixed_delay", "header_delay"];

    public static FaultSettings Parse(MessageReader reader)
    {
        var abort = reader.Message("abort", "envoy.extensions.filters.http.fault.v3.FaultAbort") is { } a ? ReadAbort(a) : null;
        var delay = reader.Message("delay", "envoy.extensions.filters.common.fault.v3.FaultDelay") is { } d ? ReadDelay(d) : null;
        var upstream = reader.String("upstream_cluster") ?? "";
        var nodes = reader.Strings("downstream_nodes").ToHashSet(StringComparer.Ordinal);
        var headerConfigs = reader.Messages("headers", HeaderMatcherReader.MessageType).Select(HeaderMatcherReader.Read).ToArray();
        // A refused config is never run; its matchers (an invalid regex, say) are not compiled.
        var headers = reader.Context.HasErrors ? [] : headerConfigs.Select(h => new HeaderMatcher(h)).ToArray();
        var maxActive = reader.Integer("max_active_faults", 0, uint.MaxValue) is { } max ? (ulong)max : (ulong?)null;
        var disableClusterStats = reader.Bool("disable_downstream_cluster_stats");
        if (reader.Has("response_rate_limit"))
        {
            reader.Unsupported("response_rate_limit", "response throughput faults (and x-envoy-fault-throughput-response) are not implemented; use delay or abort");
        }

        if (reader.Has("filter_metadata"))
        {
            reader.Unsupported("filter_metadata", "the metadata emitted with a fault is not implemented");
        }

        var defaults = FaultRuntimeKeys.Default;
        var keys = new FaultRuntimeKeys(
            reader.String("delay_percent_runtime") is { Length: > 0 } delayPercent ? delayPercent : defaults.DelayPercent,
            reader.String("abort_percent_runtime") is { Length: > 0 } abortPercent ? abortPercent : defaults.AbortPercent,
            reader.String("delay_duration_runtime") is { Length: > 0 } delayDuration ? delayDuration : defaults.DelayDuration,
            reader.String("abort_http_status_runtime") is { Length: > 0 } abortStatus ? abortStatus : defaults.AbortHttpStatus,
            reader.String("max_active_faults_runtime") is { Length: > 0 } maxActiveKey ? maxActiveKey : defaults.MaxActiveFaults);
        // Throughput faults are refused above; a gRPC status override needs a grpc_status abort, which has no runtime default here.
        reader.String("response_rate_limit_percent_runtime");
        reader.String("abort_grpc_status_runtime");
        return new FaultSettings(abort, delay, upstream, nodes, headers, maxActive, disableClusterStats) { RuntimeKeys = keys };
    }

    private static FaultAbortConfig? ReadAbort(MessageReader abort)
    {
        var context = abort.Context;
        var kinds = AbortKinds.Count(abort.Has);
        var statusMark = abort.MarkOf("http_status");
        var http = abort.Integer("http_status", 0, uint.MaxValue);
        var grpc = abort.Integer("grpc_status", 0, uint.MaxValue);
        var fromHeaders = false;
        if (abort.Message("header_abort", "envoy.extensions.filters.http.fault.v3.FaultAbort.HeaderAbort") is { } header)
        {
            header.Finish();
            fromHeaders = true;
        }

        var percentage = FractionalPercentReader.Read(abort, "percentage") ?? FractionalPercentConfig.Zero;
        abort.Finish();
        if (kinds != 1)
        {
            context.Error(abort.Path, abort.Mark,
                "FaultAbort: exactly one of http_status, grpc_status or header_abort is required (Envoy: \"ErrorType: value is required\")");
            return null;
        }

        if (http is { } status && status is < 200 or >= 600)
        {
            context.Error(abort.Join("http_status"), statusMark, "FaultAbort.http_status: value must be inside range [200, 600)");
            return null;
        }

        return new FaultAbortConfig((int?)http, (int?)grpc, fromHeaders, percentage);
    }

    private static FaultDelayConfig? ReadDelay(MessageReader delay)
    {
        var context = delay.Context;
        var kinds = DelayKinds.Count(delay.Has);
        var fixedMark = delay.MarkOf("fixed_delay");
        var fixedDelay = delay.Duration("fixed_delay");
        var fromHeaders = false;
        if (delay.Message("header_delay", "envoy.extensions.filters.common.fault.v3.FaultDelay.HeaderDelay") is { } header)
        {
            header.Finish();
            fromHeaders = true;
        }

        // FaultDelay.type is deprecated with FIXED its only value.
        delay.Enum("type", DelayType.Fixed, "envoy.extensions.filters.common.fault.v3.FaultDelay.FaultDelayType");
        var percentage = FractionalPercentReader.Read(delay, "percentage") ?? FractionalPercentConfig.Zero;
        delay.Finish();
        if (kinds != 1)
        {
            context.Error(delay.Path, delay.Mark,
                "FaultDelay: exactly one of fixed_delay or header_delay is required (Envoy: \"FaultDelaySecifier: value is required\")");
            return null;
        }

        if (fixedDelay is { } value && value <= TimeSpan.Zero)
        {
            context.Error(delay.Join("fixed_delay"), fixedMark, "FaultDelay.fixed_delay: value must be greater than 0s");
            return null;
        }

        return new FaultDelayConfig(fixedDelay, fromHeaders, percentage);
    }

    private enum DelayType
    {
        Fixed,
    }
}
