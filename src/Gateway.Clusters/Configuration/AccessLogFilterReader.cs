using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads envoy.config.accesslog.v3.AccessLogFilter (access_log filter, local_reply_config mapper
/// filter). Kinds this gateway cannot evaluate (runtime, grpc_status, metadata, log_type, extension)
/// are refused by name.
/// </summary>
internal static class AccessLogFilterReader
{
    public const string MessageType = "envoy.config.accesslog.v3.AccessLogFilter";

    public static AccessLogFilterConfig? Read(MessageReader filter)
    {
        AccessLogFilterConfig? result = null;
        var kinds = 0;
        if (filter.Message("status_code_filter", "envoy.config.accesslog.v3.StatusCodeFilter") is { } status)
        {
            kinds++;
            var (op, value) = ReadComparison(status);
            status.Finish();
            result = new StatusCodeFilterConfig(op, value);
        }

        if (filter.Message("duration_filter", "envoy.config.accesslog.v3.DurationFilter") is { } duration)
        {
            kinds++;
            var (op, value) = ReadComparison(duration);
            duration.Finish();
            result = new DurationFilterConfig(op, value);
        }

        if (filter.Message("header_filter", "envoy.config.accesslog.v3.HeaderFilter") is { } header)
        {
            kinds++;
            var matcher = header.Message("header", "envoy.config.route.v3.HeaderMatcher");
            if (matcher is null)
            {
                header.Context.Error(header.Join("header"), header.Mark, "header_filter needs a header matcher");
            }
            else
            {
                result = new HeaderFilterConfig(RouteConfigReader.ReadHeaderMatcher(matcher));
            }

            header.Finish();
        }

        if (filter.Message("response_flag_filter", "envoy.config.accesslog.v3.ResponseFlagFilter") is { } flags)
        {
            kinds++;
            result = new ResponseFlagFilterConfig(flags.Strings("flags"));
            flags.Finish();
        }

        if (filter.Message("not_health_check_filter", "envoy.config.accesslog.v3.NotHealthCheckFilter") is { } notHealth)
        {
            kinds++;
            notHealth.Finish();
            result = new NotHealthCheckFilterConfig();
        }

        if (filter.Message("traceable_filter", "envoy.config.accesslog.v3.TraceableFilter") is { } traceable)
        {
            kinds++;
            traceable.Finish();
            result = new TraceableFilterConfig();
        }

        foreach (var (field, all) in new[] { ("and_filter", true), ("or_filter", false) })
        {
            if (filter.Message(field, all ? "envoy.config.accesslog.v3.AndFilter" : "envoy.config.accesslog.v3.OrFilter") is { } composite)
            {
                kinds++;
                var inner = new List<AccessLogFilterConfig>();
                foreach (var item in composite.Messages("filters", MessageType))
                {
                    if (Read(item) is { } parsed)
                    {
                        inner.Add(parsed);
                    }
                }

                composite.Finish();
                result = new CompositeFilterConfig(all, inner);
            }
        }

        foreach (var field in new[] { "runtime_filter", "grpc_status_filter", "metadata_filter", "log_type_filter", "extension_filter" })
        {
            if (filter.Has(field))
            {
                kinds++;
                filter.Unsupported(field, "access log filters here: status_code, duration, header, response_flag, not_health_check, traceable, and, or");
            }
        }

        filter.Finish();
        if (kinds != 1)
        {
            filter.Context.Error(filter.Path, filter.Mark, "an access log filter needs exactly one filter kind (status_code_filter, header_filter, and_filter, ...)");
            return null;
        }

        return result;
    }

    private static (ComparisonOp Op, long Value) ReadComparison(MessageReader owner)
    {
        var comparison = owner.Message("comparison", "envoy.config.accesslog.v3.ComparisonFilter");
        if (comparison is null)
        {
            owner.Context.Error(owner.Join("comparison"), owner.Mark, "missing comparison { op: EQ|GE|LE|NE, value: { default_value: N, runtime_key: ... } }");
            return (ComparisonOp.Eq, 0);
        }

        var op = comparison.Enum("op", ComparisonOp.Eq, "envoy.config.accesslog.v3.ComparisonFilter.Op");
        long value = 0;
        if (comparison.Message("value", "envoy.config.core.v3.RuntimeUInt32") is { } runtime)
        {
            value = runtime.Integer("default_value", 0, uint.MaxValue) ?? 0;
            // runtime_key names an override in the runtime; without layered runtime the default applies.
            runtime.Accept("runtime_key");
            runtime.Finish();
        }

        comparison.Finish();
        return (op, value);
    }
}
