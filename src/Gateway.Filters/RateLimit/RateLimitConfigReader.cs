using Gateway.Clusters.Configuration;
using Gateway.Filters.Callouts;
using Gateway.Filters.ExtAuthz;

namespace Gateway.Filters.RateLimit;

/// <summary>Reads RateLimit and RateLimitPerRoute.</summary>
internal static class RateLimitConfigReader
{
    public static RateLimitSettings? Read(string filterName, MessageReader config)
    {
        var domain = config.RequiredString("domain");
        var service = config.Message("rate_limit_service", "envoy.config.ratelimit.v3.RateLimitServiceConfig");
        if (service is null)
        {
            config.Context.Error(config.Path, config.Mark, $"ratelimit filter '{filterName}' needs rate_limit_service.grpc_service (envoy_grpc.cluster_name)");
            foreach (var field in config.FieldNames)
            {
                config.Accept(field);
            }

            return null;
        }

        var version = service.String("transport_api_version");
        if (version is not null && !version.Equals("V3", StringComparison.OrdinalIgnoreCase))
        {
            service.Context.Error(service.Join("transport_api_version"), service.MarkOf("transport_api_version"), $"transport_api_version {version} is not supported; Envoy accepts V3 only");
        }

        string cluster = "";
        string? target = null;
        var grpc = service.Message("grpc_service", "envoy.config.core.v3.GrpcService");
        if (grpc is not null)
        {
            grpc.Accept("timeout");
            grpc.Unsupported("initial_metadata");
            grpc.Unsupported("retry_policy");
            if (grpc.Message("envoy_grpc", "envoy.config.core.v3.GrpcService.EnvoyGrpc") is { } envoy)
            {
                cluster = envoy.RequiredString("cluster_name");
                envoy.Accept("authority");
                envoy.Accept("max_receive_message_length");
                envoy.Accept("skip_envoy_headers");
                envoy.Unsupported("retry_policy");
                envoy.Finish();
            }
            else if (grpc.Message("google_grpc", "envoy.config.core.v3.GrpcService.GoogleGrpc") is { } google)
            {
                target = google.RequiredString("target_uri");
                google.Accept("stat_prefix");
                google.Finish();
                if (!GoogleGrpcTargets.TryParse(target, out _, out _))
                {
                    google.Context.Unsupported(google.Join("target_uri"), google.MarkOf("target_uri"), $"google_grpc target_uri '{target}' is not supported; use host:port or envoy_grpc");
                }
            }
            else
            {
                grpc.Context.Error(grpc.Path, grpc.Mark, "grpc_service needs envoy_grpc.cluster_name");
            }

            grpc.Finish();
        }
        else
        {
            service.Context.Error(service.Path, service.Mark, "rate_limit_service needs grpc_service");
        }

        service.Finish();
        var settings = new RateLimitSettings
        {
            FilterName = filterName,
            Domain = domain,
            ClusterName = cluster,
            GoogleGrpcTarget = target,
            Stage = (int)(config.Integer("stage", 0, 10) ?? 0),
            RequestType = (config.String("request_type") ?? "both").ToLowerInvariant(),
            Timeout = config.Duration("timeout") is { } t ? (t == TimeSpan.Zero ? System.Threading.Timeout.InfiniteTimeSpan : t) : TimeSpan.FromMilliseconds(20),
            FailureModeDeny = config.Bool("failure_mode_deny"),
            RateLimitedAsResourceExhausted = config.Bool("rate_limited_as_resource_exhausted"),
            DisableXEnvoyRateLimitedHeader = config.Bool("disable_x_envoy_ratelimited_header"),
            StatPrefix = config.String("stat_prefix") ?? "",
        };
        if (settings.RequestType is not ("internal" or "external" or "both"))
        {
            config.Context.Error(config.Join("request_type"), config.MarkOf("request_type"), "request_type must be internal, external or both");
        }

        var headers = config.String("enable_x_ratelimit_headers");
        if (headers is not null && !headers.Equals("OFF", StringComparison.OrdinalIgnoreCase) && !headers.Equals("DRAFT_VERSION_03", StringComparison.OrdinalIgnoreCase))
        {
            config.Context.Error(config.Join("enable_x_ratelimit_headers"), config.MarkOf("enable_x_ratelimit_headers"), "enable_x_ratelimit_headers must be OFF or DRAFT_VERSION_03");
        }

        settings = settings with { XRateLimitHeaders = headers?.Equals("DRAFT_VERSION_03", StringComparison.OrdinalIgnoreCase) == true };
        if (config.Message("rate_limited_status", "envoy.type.v3.HttpStatus") is { } limited)
        {
            var code = ExtAuthzConfigReader.ReadStatusCode(limited, "code") ?? 429;
            limited.Finish();
            settings = settings with { RateLimitedStatus = code < 400 ? 429 : code };
        }

        if (config.Message("status_on_error", "envoy.type.v3.HttpStatus") is { } error)
        {
            var code = ExtAuthzConfigReader.ReadStatusCode(error, "code") ?? 500;
            error.Finish();
            settings = settings with { StatusOnError = code };
        }

        foreach (var field in (ReadOnlySpan<string>)["response_headers_to_add", "failure_mode_deny_percent", "rate_limits", "filter_enabled", "filter_enforced"])
        {
            config.Unsupported(field);
        }

        return settings;
    }

    public static RateLimitPerRouteSettings ReadPerRoute(MessageReader config)
    {
        VhRateLimitsOption? vh = config.String("vh_rate_limits")?.ToUpperInvariant() switch
        {
            null => null,
            "OVERRIDE" => VhRateLimitsOption.Override,
            "INCLUDE" => VhRateLimitsOption.Include,
            "IGNORE" => VhRateLimitsOption.Ignore,
            var other => Invalid(other),
        };
        var domain = config.String("domain");
        config.Unsupported("override_option");
        config.Unsupported("rate_limits", "put rate_limits on the route action");
        return new RateLimitPerRouteSettings(vh, string.IsNullOrEmpty(domain) ? null : domain);

        VhRateLimitsOption? Invalid(string value)
        {
            config.Context.Error(config.Join("vh_rate_limits"), config.MarkOf("vh_rate_limits"), $"invalid vh_rate_limits '{value}'; expected OVERRIDE, INCLUDE or IGNORE");
            return null;
        }
    }
}
