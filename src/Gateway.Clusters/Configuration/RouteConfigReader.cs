using Gateway.Clusters.Matching;
using System.Text.RegularExpressions;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads a RouteConfiguration: virtual hosts, routes, matches, actions and header edits.</summary>
internal static class RouteConfigReader
{
    private static readonly string[] RouteActionFields = ["route", "redirect", "direct_response"];

    public static RouteTableConfig Read(MessageReader config, IReadOnlySet<string> clusterNames, IReadOnlyList<IHttpFilterConfigParser> parsers)
    {
        var name = config.String("name") ?? "";
        config.Accept("validate_clusters");
        var headers = ReadHeaderMutation(config);
        var mostSpecificWins = config.Bool("most_specific_header_mutations_wins");
        var hosts = new List<VirtualHostConfig>();
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var host in config.Messages("virtual_hosts", "envoy.config.route.v3.VirtualHost"))
        {
            if (ReadVirtualHost(host, clusterNames, domains, name, parsers) is { } vhost)
            {
                hosts.Add(vhost);
            }
        }

        var perFilter = PerFilterConfigReader.Read(config, parsers);
        config.Finish();
        return new RouteTableConfig(name, hosts, headers) { TypedPerFilterConfig = perFilter, MostSpecificHeaderMutationsWins = mostSpecificWins };
    }

    private static VirtualHostConfig? ReadVirtualHost(MessageReader host, IReadOnlySet<string> clusterNames, HashSet<string> seenDomains, string routeConfigName, IReadOnlyList<IHttpFilterConfigParser> parsers)
    {
        var name = host.RequiredString("name");
        var domains = host.Strings("domains");
        if (domains.Count == 0)
        {
            host.Context.Error(host.Join("domains"), host.Mark, "a virtual host needs at least one domain (\"*\" matches every host)");
        }

        foreach (var domain in domains)
        {
            if (!seenDomains.Add(domain))
            {
                host.Context.Error(host.Join("domains"), host.MarkOf("domains"),
                    $"Only unique values for domains are permitted. Duplicate entry of domain {domain} in route {routeConfigName}");
            }

            if (domain.Length > 1 && domain.IndexOf('*', 1) >= 0 && !domain.EndsWith('*'))
            {
                host.Context.Error(host.Join("domains"), host.MarkOf("domains"),
                    $"invalid domain '{domain}': a wildcard may only start (*.example.com) or end (example.*) the domain");
            }
        }

        var headers = ReadHeaderMutation(host);
        var routes = new List<RouteConfig>();
        foreach (var route in host.Messages("routes", "envoy.config.route.v3.Route"))
        {
            if (ReadRoute(route, clusterNames, parsers) is { } r)
            {
                routes.Add(r);
            }
        }

        var perFilter = PerFilterConfigReader.Read(host, parsers);
        var vhostRetry = ReadRetryPolicy(host.Message("retry_policy", "envoy.config.route.v3.RetryPolicy"));
        ReadHedgePolicy(host);
        var includeRequestAttempts = host.Bool("include_request_attempt_count");
        var includeResponseAttempts = host.Bool("include_attempt_count_in_response");
        var cors = host.Message("cors", CorsPolicyReader.RouteMessageType) is { } corsReader ? CorsPolicyReader.Read(corsReader) : null;
        var rateLimits = RateLimitPolicyReader.Read(host);
        var vhostBufferLimit = host.Integer("per_request_buffer_limit_bytes", 0, uint.MaxValue);
        host.Finish();
        return new VirtualHostConfig(name, domains, routes, headers, host.Path)
        {
            TypedPerFilterConfig = perFilter,
            Cors = cors,
            RateLimits = rateLimits,
            RetryPolicy = vhostRetry,
            IncludeRequestAttemptCount = includeRequestAttempts,
            IncludeAttemptCountInResponse = includeResponseAttempts,
            PerRequestBufferLimitBytes = vhostBufferLimit,
        };
    }

    private static RouteConfig? ReadRoute(MessageReader route, IReadOnlySet<string> clusterNames, IReadOnlyList<IHttpFilterConfigParser> parsers)
    {
        var name = route.String("name");
        route.Accept("metadata");
        var matchReader = route.Message("match", "envoy.config.route.v3.RouteMatch");
        RouteMatchConfig? match = null;
        if (matchReader is null)
        {
            route.Context.Error(route.Join("match"), route.Mark, "missing required field 'match'");
        }
        else
        {
            match = ReadMatch(matchReader);
        }

        var actions = RouteActionFields.Count(route.Has);
        RouteActionConfig? forward = null;
        DirectResponseConfig? direct = null;
        RedirectConfig? redirect = null;
        if (actions != 1)
        {
            route.Context.Error(route.Path, route.Mark, "a route needs exactly one of route, redirect or direct_response");
        }

        if (route.Message("route", "envoy.config.route.v3.RouteAction") is { } action)
        {
            forward = ReadRouteAction(action, clusterNames, parsers);
        }

        if (route.Message("direct_response", "envoy.config.route.v3.DirectResponseAction") is { } directReader)
        {
            var status = (int)(directReader.Integer("status", 200, 599) ?? 200);
            if (!directReader.Has("status"))
            {
                directReader.Context.Error(directReader.Join("status"), directReader.Mark, "missing required field 'status' (200-599)");
            }

            var body = BootstrapLoader.ReadDataSource(directReader.Message("body", "envoy.config.core.v3.DataSource"));
            if (directReader.Has("body_format"))
            {
                directReader.Unsupported("body_format");
            }

            directReader.Finish();
            direct = new DirectResponseConfig(status, body);
        }

        if (route.Message("redirect", "envoy.config.route.v3.RedirectAction") is { } redirectReader)
        {
            redirect = ReadRedirect(redirectReader);
        }

        var headers = ReadHeaderMutation(route);
        var perFilter = PerFilterConfigReader.Read(route, parsers);
        // The decorator names the request's span; it changes nothing when the HCM does not trace.
        string? operation = null;
        if (route.Message("decorator", "envoy.config.route.v3.Decorator") is { } decorator)
        {
            operation = decorator.RequiredString("operation");
            decorator.Bool("propagate", true);
            decorator.Finish();
        }

        var bufferLimit = route.Integer("per_request_buffer_limit_bytes", 0, uint.MaxValue);
        route.Finish();
        return match is null || actions != 1 ? null : new RouteConfig(name, match, forward, direct, redirect, headers, route.Path)
        {
            PerRequestBufferLimitBytes = bufferLimit,
            TypedPerFilterConfig = perFilter,
            DecoratorOperation = operation,
        };
    }

    internal static RouteMatchConfig ReadMatch(MessageReader match)
    {
        var kinds = new List<(PathMatchKind Kind, string Value)>();
        if (match.String("prefix") is { } prefix)
        {
            kinds.Add((PathMatchKind.Prefix, prefix));
        }

        if (match.String("path") is { } path)
        {
            kinds.Add((PathMatchKind.Path, path));
        }

        if (match.Message("safe_regex", "envoy.type.matcher.v3.RegexMatcher") is { } regex)
        {
            kinds.Add((PathMatchKind.SafeRegex, ReadRegex(regex)));
        }

        if (match.String("path_separated_prefix") is { } separated)
        {
            if (separated.Length == 0 || !separated.StartsWith('/') || (separated.Length > 1 && separated.EndsWith('/')) || separated.Contains('?') || separated.Contains('#'))
            {
                match.Context.Error(match.Join("path_separated_prefix"), match.MarkOf("path_separated_prefix"),
                    "path_separated_prefix must start with '/', not end with '/', and hold no '?' or '#'");
            }

            kinds.Add((PathMatchKind.PathSeparatedPrefix, separated));
        }

        var runtimeFraction = FractionalPercentReader.ReadRuntime(match, "runtime_fraction");
        var grpc = false;
        if (match.Message("grpc", "envoy.config.route.v3.RouteMatch.GrpcRouteMatchOptions") is { } grpcOptions)
        {
            // GrpcRouteMatchOptions has no fields: its presence is the condition.
            grpcOptions.Finish();
            grpc = true;
        }

        foreach (var field in new[] { "connect_matcher", "path_match_policy", "tls_context", "dynamic_metadata", "filter_state", "cel_expression" })
        {
            if (match.Has(field))
            {
                match.Unsupported(field);
            }
        }

        if (kinds.Count != 1 && !match.Has("connect_matcher") && !match.Has("path_match_policy"))
        {
            match.Context.Error(match.Path, match.Mark, "a route match needs exactly one of prefix, path, safe_regex or path_separated_prefix");
        }

        var caseSensitive = match.Bool("case_sensitive", true);
        var headers = match.Messages("headers", "envoy.config.route.v3.HeaderMatcher").Select(ReadHeaderMatcher).ToArray();
        var query = match.Messages("query_parameters", "envoy.config.route.v3.QueryParameterMatcher").Select(ReadQueryMatcher).ToArray();
        match.Finish();
        var (kind, value) = kinds.Count > 0 ? kinds[0] : (PathMatchKind.Prefix, "/");
        return new RouteMatchConfig(kind, value, caseSensitive, headers, query) { RuntimeFraction = runtimeFraction, Grpc = grpc };
    }

    internal static HeaderMatcherConfig ReadHeaderMatcher(MessageReader header)
    {
        var name = header.RequiredString("name");
        StringMatcherConfig? matcher = null;
        bool? present = null;
        Int64RangeConfig? range = null;
        if (header.String("exact_match") is { } exact)
        {
            matcher = new StringMatcherConfig(StringMatchKind.Exact, exact, false);
        }
        else if (header.Message("safe_regex_match", "envoy.type.matcher.v3.RegexMatcher") is { } regex)
        {
            matcher = new StringMatcherConfig(StringMatchKind.SafeRegex, ReadRegex(regex), false);
        }
        else if (header.String("prefix_match") is { } prefix)
        {
            matcher = new StringMatcherConfig(StringMatchKind.Prefix, prefix, false);
        }
        else if (header.String("suffix_match") is { } suffix)
        {
            matcher = new StringMatcherConfig(StringMatchKind.Suffix, suffix, false);
        }
        else if (header.String("contains_match") is { } contains)
        {
            matcher = new StringMatcherConfig(StringMatchKind.Contains, contains, false);
        }
        else if (header.Message("string_match", "envoy.type.matcher.v3.StringMatcher") is { } stringMatch)
        {
            matcher = ReadStringMatcher(stringMatch);
        }
        else if (header.Has("present_match"))
        {
            present = header.Bool("present_match");
        }
        else if (header.Message("range_match", "envoy.type.v3.Int64Range") is { } rangeReader)
        {
            var start = rangeReader.Integer("start", long.MinValue, long.MaxValue) ?? 0;
            var end = rangeReader.Integer("end", long.MinValue, long.MaxValue) ?? 0;
            rangeReader.Finish();
            range = new Int64RangeConfig(start, end);
        }

        var invert = header.Bool("invert_match");
        var missingAsEmpty = header.Bool("treat_missing_header_as_empty");
        header.Finish();
        return new HeaderMatcherConfig(name.ToLowerInvariant(), matcher, present, range, invert, missingAsEmpty);
    }

    private static QueryParameterMatcherConfig ReadQueryMatcher(MessageReader query)
    {
        var name = query.RequiredString("name");
        StringMatcherConfig? matcher = null;
        if (query.Message("string_match", "envoy.type.matcher.v3.StringMatcher") is { } stringMatch)
        {
            matcher = ReadStringMatcher(stringMatch);
        }

        var present = query.Bool("present_match");
        query.Finish();
        return new QueryParameterMatcherConfig(name, matcher, present || matcher is null);
    }

    internal static StringMatcherConfig ReadStringMatcher(MessageReader matcher)
    {
        var ignoreCase = matcher.Bool("ignore_case");
        StringMatcherConfig? result = null;
        if (matcher.String("exact") is { } exact)
        {
            result = new(StringMatchKind.Exact, exact, ignoreCase);
        }
        else if (matcher.String("prefix") is { } prefix)
        {
            result = new(StringMatchKind.Prefix, prefix, ignoreCase);
        }
        else if (matcher.String("suffix") is { } suffix)
        {
            result = new(StringMatchKind.Suffix, suffix, ignoreCase);
        }
        else if (matcher.String("contains") is { } contains)
        {
            result = new(StringMatchKind.Contains, contains, ignoreCase);
        }
        else if (matcher.Message("safe_regex", "envoy.type.matcher.v3.RegexMatcher") is { } regex)
        {
            result = new(StringMatchKind.SafeRegex, ReadRegex(regex), false);
        }

        if (matcher.Has("custom"))
        {
            matcher.Unsupported("custom");
        }

        matcher.Finish();
        if (result is null)
        {
            matcher.Context.Error(matcher.Path, matcher.Mark, "a string matcher needs one of exact, prefix, suffix, contains or safe_regex");
            return new(StringMatchKind.Exact, "", false);
        }

        return result;
    }

    /// <summary>Reads a RegexMatcher and checks that the pattern compiles, naming it when it does not.</summary>
    internal static string ReadRegex(MessageReader regex)
    {
        if (regex.Message("google_re2", "envoy.type.matcher.v3.RegexMatcher.GoogleRE2") is { } re2)
        {
            re2.Accept("max_program_size");
            re2.Finish();
        }

        var pattern = regex.RequiredString("regex");
        regex.Finish();
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            regex.Context.Error(regex.Join("regex"), regex.MarkOf("regex"), $"invalid regex '{pattern}': {e.Message}");
        }

        return pattern;
    }

    private static RegexRewriteConfig? ReadRegexRewrite(MessageReader? rewrite)
    {
        if (rewrite is null)
        {
            return null;
        }

        var pattern = rewrite.Message("pattern", "envoy.type.matcher.v3.RegexMatcher") is { } p ? ReadRegex(p) : "";
        var substitution = rewrite.String("substitution") ?? "";
        rewrite.Finish();
        return new RegexRewriteConfig(pattern, substitution);
    }

    private static RouteActionConfig ReadRouteAction(MessageReader action, IReadOnlySet<string> clusterNames, IReadOnlyList<IHttpFilterConfigParser> parsers)
    {
        var cluster = action.String("cluster");
        var clusterHeader = action.String("cluster_header");
        List<WeightedClusterEntryConfig>? weighted = null;
        if (action.Message("weighted_clusters", "envoy.config.route.v3.WeightedCluster") is { } weightedReader)
        {
            weighted = new List<WeightedClusterEntryConfig>();
            foreach (var entry in weightedReader.Messages("clusters", "envoy.config.route.v3.WeightedCluster.ClusterWeight"))
            {
                var name = entry.RequiredString("name");
                var weight = (int)(entry.Integer("weight", 0, int.MaxValue) ?? 0);
                var headers = ReadHeaderMutation(entry);
                var perFilter = PerFilterConfigReader.Read(entry, parsers);
                entry.Finish();
                CheckCluster(entry, "name", name, clusterNames);
                weighted.Add(new WeightedClusterEntryConfig(name, weight, headers) { TypedPerFilterConfig = perFilter });
            }

            weightedReader.Accept("total_weight");
            weightedReader.Accept("runtime_key_prefix");
            weightedReader.Finish();
            if (weighted.Count == 0 || weighted.Sum(w => (long)w.Weight) == 0)
            {
                weightedReader.Context.Error(weightedReader.Join("clusters"), weightedReader.Mark, "weighted_clusters needs at least one cluster with a weight above 0");
            }
        }

        var targets = (cluster is null ? 0 : 1) + (clusterHeader is null ? 0 : 1) + (weighted is null ? 0 : 1);
        if (targets != 1)
        {
            if (action.Has("cluster_specifier_plugin") || action.Has("inline_cluster_specifier_plugin"))
            {
                action.Unsupported("cluster_specifier_plugin");
                action.Unsupported("inline_cluster_specifier_plugin");
            }
            else
            {
                action.Context.Error(action.Path, action.Mark, "a route action needs exactly one of cluster, cluster_header or weighted_clusters");
            }
        }

        if (cluster is not null)
        {
            CheckCluster(action, "cluster", cluster, clusterNames);
        }

        var notFound = action.Enum("cluster_not_found_response_code", ClusterNotFoundCode.ServiceUnavailable,
            "envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode");
        var prefixRewrite = action.String("prefix_rewrite");
        var regexRewrite = ReadRegexRewrite(action.Message("regex_rewrite", "envoy.type.matcher.v3.RegexMatchAndSubstitute"));
        var hostLiteral = action.String("host_rewrite_literal");
        var autoHost = action.Bool("auto_host_rewrite");
        var hostHeader = action.String("host_rewrite_header");
        var hostRegex = ReadRegexRewrite(action.Message("host_rewrite_path_regex", "envoy.type.matcher.v3.RegexMatchAndSubstitute"));
        var appendXfh = action.Bool("append_x_forwarded_host");
        CheckHostRewriteOneof(action);
        var timeout = action.Duration("timeout") ?? TimeSpan.FromSeconds(15);
        var idle = action.Duration("idle_timeout");
        var retry = ReadRetryPolicy(action.Message("retry_policy", "envoy.config.route.v3.RetryPolicy"));
        ReadHedgePolicy(action);
        var maxStreamDuration = action.Message("max_stream_duration", "envoy.config.route.v3.RouteAction.MaxStreamDuration") is { } msd
            ? ReadMaxStreamDuration(msd)
            : null;
        var upgrades = new List<string>();
        foreach (var upgrade in action.Messages("upgrade_configs", "envoy.config.route.v3.RouteAction.UpgradeConfig"))
        {
            var type = upgrade.RequiredString("upgrade_type");
            if (string.Equals(type, "CONNECT", StringComparison.OrdinalIgnoreCase))
            {
                upgrade.Context.Unsupported(upgrade.Join("upgrade_type"), upgrade.MarkOf("upgrade_type"),
                    "upgrade_type CONNECT (HTTP CONNECT tunneling) is not supported; proxy raw TCP with envoy.filters.network.tcp_proxy instead");
            }

            if (upgrade.Bool("enabled", true))
            {
                upgrades.Add(type);
            }

            upgrade.Finish();
        }

        var mirrors = ReadMirrorPolicies(action, clusterNames);
        var cors = action.Message("cors", CorsPolicyReader.RouteMessageType) is { } corsReader ? CorsPolicyReader.Read(corsReader) : null;
        var rateLimits = RateLimitPolicyReader.Read(action);
        var includeVhRateLimits = action.Bool("include_vh_rate_limits");
        action.Finish();
        var notFoundStatus = notFound switch
        {
            ClusterNotFoundCode.NotFound => 404,
            ClusterNotFoundCode.InternalServerError => 500,
            _ => 503,
        };
        return new RouteActionConfig(cluster, clusterHeader, weighted, prefixRewrite, regexRewrite, hostLiteral, autoHost,
            timeout, idle, retry, upgrades, notFoundStatus)
        {
            Cors = cors,
            RateLimits = rateLimits,
            IncludeVirtualHostRateLimits = includeVhRateLimits,
            MaxStreamDuration = maxStreamDuration,
            MirrorPolicies = mirrors,
            HostRewriteHeader = string.IsNullOrEmpty(hostHeader) ? null : hostHeader.ToLowerInvariant(),
            HostRewritePathRegex = hostRegex,
            AppendXForwardedHost = appendXfh,
        };
    }

    /// <summary>request_mirror_policies: each needs exactly one of cluster and cluster_header (Envoy's validation).</summary>
    private static List<RequestMirrorPolicyConfig> ReadMirrorPolicies(MessageReader action, IReadOnlySet<string> clusterNames)
    {
        var result = new List<RequestMirrorPolicyConfig>();
        foreach (var policy in action.Messages("request_mirror_policies", "envoy.config.route.v3.RouteAction.RequestMirrorPolicy"))
        {
            var cluster = policy.String("cluster") is { Length: > 0 } c ? c : null;
            var header = policy.String("cluster_header") is { Length: > 0 } h ? h.ToLowerInvariant() : null;
            var fraction = FractionalPercentReader.ReadRuntime(policy, "runtime_fraction");
            var disableSuffix = policy.Bool("disable_shadow_host_suffix_append");
            // The shadow's span is sampled as the request's is; nothing of tracing differs for a mirror here.
            policy.Accept("trace_sampled");
            policy.Finish();
            if ((cluster is null) == (header is null))
            {
                policy.Context.Error(policy.Path, policy.Mark, "a request mirror policy needs exactly one of cluster and cluster_header");
                continue;
            }

            if (cluster is not null && !clusterNames.Contains(cluster))
            {
                policy.Context.Error(policy.Join("cluster"), policy.MarkOf("cluster"),
                    $"route: unknown shadow cluster '{cluster}'; define it under static_resources.clusters or fix the name");
            }

            result.Add(new RequestMirrorPolicyConfig(cluster, header, fraction, disableSuffix));
        }

        return result;
    }

    /// <summary>host_rewrite_literal, auto_host_rewrite, host_rewrite_header and host_rewrite_path_regex are one proto oneof.</summary>
    private static void CheckHostRewriteOneof(MessageReader action)
    {
        string[] oneof = ["host_rewrite_literal", "auto_host_rewrite", "host_rewrite_header", "host_rewrite_path_regex"];
        var set = oneof.Where(action.Has).ToArray();
        if (set.Length > 1)
        {
            action.Context.Error(action.Join(set[1]), action.MarkOf(set[1]),
                $"oneof field 'host_rewrite_specifier' is already set. Cannot set '{set[1]}' (already set: '{set[0]}'); keep one host rewrite");
        }
    }

    private enum ClusterNotFoundCode
    {
        ServiceUnavailable,
        NotFound,
        InternalServerError,
    }

    private static void CheckCluster(MessageReader owner, string field, string cluster, IReadOnlySet<string> clusterNames)
    {
        if (cluster.Length > 0 && !clusterNames.Contains(cluster))
        {
            owner.Context.Error(owner.Join(field), owner.MarkOf(field),
                $"route: unknown cluster '{cluster}'; define it under static_resources.clusters or fix the name");
        }
    }

    private static RetryPolicyConfig? ReadRetryPolicy(MessageReader? retry)
    {
        if (retry is null)
        {
            return null;
        }

        var retryOn = (retry.String("retry_on") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var numRetries = (int)(retry.Integer("num_retries", 0, 100) ?? 1);
        var perTry = retry.Duration("per_try_timeout");
        var codes = new List<int>();
        if (retry.Take("retriable_status_codes") is YamlDotNet.RepresentationModel.YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                if (item is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } v } && int.TryParse(v, out var code) && code is >= 100 and <= 599)
                {
                    codes.Add(code);
                }
                else
                {
                    retry.Context.Error(retry.Join("retriable_status_codes"), YamlMark.Of(item), "expected HTTP status codes (100-599)");
                }
            }
        }

        var baseInterval = TimeSpan.FromMilliseconds(25);
        var maxInterval = TimeSpan.FromMilliseconds(250);
        if (retry.Message("retry_back_off", "envoy.config.route.v3.RetryPolicy.RetryBackOff") is { } backOff)
        {
            // Envoy: base_interval is required and > 0; both are rounded up to 1ms; max below base is refused.
            if (backOff.Duration("base_interval") is { } b && b > TimeSpan.Zero)
            {
                baseInterval = Max1Ms(b);
            }
            else
            {
                backOff.Context.Error(backOff.Join("base_interval"), backOff.MarkOf("base_interval"),
                    "retry_back_off.base_interval is required and must be greater than 0s (e.g. base_interval: 0.025s)");
            }

            maxInterval = baseInterval * 10;
            if (backOff.Duration("max_interval") is { } m)
            {
                maxInterval = Max1Ms(m);
                if (maxInterval < baseInterval)
                {
                    backOff.Context.Error(backOff.Join("max_interval"), backOff.MarkOf("max_interval"),
                        "retry_policy.max_interval must greater than or equal to the base_interval");
                }
            }

            backOff.Finish();
        }

        var resetHeaders = new List<RetryResetHeaderConfig>();
        var resetMax = TimeSpan.FromSeconds(300);
        if (retry.Message("rate_limited_retry_back_off", "envoy.config.route.v3.RetryPolicy.RateLimitedRetryBackOff") is { } limited)
        {
            foreach (var header in limited.Messages("reset_headers", "envoy.config.route.v3.RetryPolicy.ResetHeader"))
            {
                var headerName = header.RequiredString("name");
                var unix = header.Enum("format", ResetHeaderFormat.Seconds, "envoy.config.route.v3.RetryPolicy.ResetHeaderFormat") == ResetHeaderFormat.UnixTimestamp;
                header.Finish();
                resetHeaders.Add(new RetryResetHeaderConfig(headerName.ToLowerInvariant(), unix));
            }

            if (resetHeaders.Count == 0)
            {
                limited.Context.Error(limited.Join("reset_headers"), limited.Mark,
                    "rate_limited_retry_back_off.reset_headers needs at least one entry (e.g. {name: Retry-After, format: SECONDS})");
            }

            if (limited.Duration("max_interval") is { } rm)
            {
                resetMax = Max1Ms(rm);
            }

            limited.Finish();
        }

        var retriableHeaders = retry.Messages("retriable_headers", "envoy.config.route.v3.HeaderMatcher").Select(ReadHeaderMatcher).ToArray();
        var retriableRequestHeaders = retry.Messages("retriable_request_headers", "envoy.config.route.v3.HeaderMatcher").Select(ReadHeaderMatcher).ToArray();
        var predicates = new List<RetryHostPredicateConfig>();
        foreach (var predicate in retry.Messages("retry_host_predicate", "envoy.config.route.v3.RetryPolicy.RetryHostPredicate"))
        {
            if (ReadRetryHostPredicate(predicate) is { } p)
            {
                predicates.Add(p);
            }
        }

        var hostSelectionAttempts = retry.Integer("host_selection_retry_max_attempts", long.MinValue, long.MaxValue) is { } attempts and not 0
            ? (int)Math.Clamp(attempts, 0, 100)
            : 1;
        retry.Finish();
        return new RetryPolicyConfig(retryOn, numRetries, perTry, codes, baseInterval, maxInterval)
        {
            ResetHeaders = resetHeaders,
            ResetMaxInterval = resetMax,
            RetriableHeaders = retriableHeaders,
            RetriableRequestHeaders = retriableRequestHeaders,
            HostPredicates = predicates,
            HostSelectionMaxAttempts = hostSelectionAttempts,
        };
    }

    /// <summary>
    /// One retry_host_predicate: the extension is found by its typed_config type (or by its name when the config is
    /// empty), as Envoy's getAndCheckFactory does. previous_hosts, omit_canary_hosts and omit_host_metadata are served.
    /// </summary>
    private static RetryHostPredicateConfig? ReadRetryHostPredicate(MessageReader predicate)
    {
        var name = predicate.RequiredString("name");
        var typed = predicate.Any("typed_config");
        predicate.Finish();
        var type = typed?.TypeName;
        RetryHostPredicateConfig? result = null;
        var known = Array.Find(RetryHostPredicates, p => type is null ? p.Name == name : p.Type == type);
        if (known.Type is null)
        {
            var field = type is null ? "name" : "typed_config";
            predicate.Context.Unsupported(predicate.Join(field), predicate.MarkOf(field),
                $"retry host predicate '{type ?? name}' is not supported by this gateway; use envoy.retry_host_predicates.previous_hosts, " +
                "omit_canary_hosts or omit_host_metadata");
        }
        else if (known.Kind == RetryHostPredicateKind.OmitHostMetadata)
        {
            var metadata = typed is null ? null : EndpointMetadataReader.Read(typed.Reader, "metadata_match");
            var labels = metadata is not null && metadata.TryGetValue("envoy.lb", out var lb) ? lb as IReadOnlyDictionary<string, object?> : null;
            result = new RetryHostPredicateConfig(known.Kind, labels);
        }
        else
        {
            result = new RetryHostPredicateConfig(known.Kind);
        }

        typed?.Reader.Finish();
        return result;
    }

    /// <summary>The retry host predicates served: typed_config type, and the extension name an empty config goes by.</summary>
    private static readonly (string Type, string Name, RetryHostPredicateKind Kind)[] RetryHostPredicates =
    [
        ("envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate", "envoy.retry_host_predicates.previous_hosts", RetryHostPredicateKind.PreviousHosts),
        ("envoy.extensions.retry.host.omit_canary_hosts.v3.OmitCanaryHostsPredicate", "envoy.retry_host_predicates.omit_canary_hosts", RetryHostPredicateKind.OmitCanaryHosts),
        ("envoy.extensions.retry.host.omit_host_metadata.v3.OmitHostMetadataConfig", "envoy.retry_host_predicates.omit_host_metadata", RetryHostPredicateKind.OmitHostMetadata),
    ];

    /// <summary>
    /// A route's or virtual host's hedge_policy. initial_requests and additional_request_chance are read and then unused,
    /// as in Envoy (its proto marks them not implemented); hedge_on_per_try_timeout: true is refused by name here.
    /// </summary>
    internal static void ReadHedgePolicy(MessageReader owner)
    {
        if (owner.Message("hedge_policy", "envoy.config.route.v3.HedgePolicy") is not { } hedge)
        {
            return;
        }

        hedge.Integer("initial_requests", 1, uint.MaxValue);
        FractionalPercentReader.Read(hedge, "additional_request_chance");

        if (hedge.Bool("hedge_on_per_try_timeout"))
        {
            hedge.Context.Unsupported(hedge.Join("hedge_on_per_try_timeout"), hedge.MarkOf("hedge_on_per_try_timeout"),
                "'hedge_on_per_try_timeout' of envoy.config.route.v3.HedgePolicy is not supported by this gateway (a per-try timeout " +
                "cancels the attempt and retries instead); remove it or set it to false");
        }

        hedge.Finish();
    }

    private static TimeSpan Max1Ms(TimeSpan value) => TimeSpan.FromMilliseconds(Math.Max(1, (long)value.TotalMilliseconds));

    private enum ResetHeaderFormat
    {
        Seconds,
        UnixTimestamp,
    }

    private static MaxStreamDurationConfig ReadMaxStreamDuration(MessageReader reader)
    {
        var config = new MaxStreamDurationConfig(reader.Duration("max_stream_duration"), reader.Duration("grpc_timeout_header_max"),
            reader.Duration("grpc_timeout_header_offset"));
        reader.Finish();
        return config;
    }

    private static RedirectConfig ReadRedirect(MessageReader redirect)
    {
        var https = redirect.Bool("https_redirect");
        var scheme = redirect.String("scheme_redirect") ?? (https ? "https" : null);
        var host = redirect.String("host_redirect");
        var port = (int?)redirect.Integer("port_redirect", 0, 65535);
        var path = redirect.String("path_redirect");
        var prefix = redirect.String("prefix_rewrite");
        var regex = ReadRegexRewrite(redirect.Message("regex_rewrite", "envoy.type.matcher.v3.RegexMatchAndSubstitute"));
        var code = redirect.Enum("response_code", RedirectCode.MovedPermanently, "envoy.config.route.v3.RedirectAction.RedirectResponseCode");
        var stripQuery = redirect.Bool("strip_query");
        redirect.Finish();
        var status = code switch
        {
            RedirectCode.Found => 302,
            RedirectCode.SeeOther => 303,
            RedirectCode.TemporaryRedirect => 307,
            RedirectCode.PermanentRedirect => 308,
            _ => 301,
        };
        return new RedirectConfig(scheme, host, port, path, prefix, regex, status, stripQuery);
    }

    private enum RedirectCode
    {
        MovedPermanently,
        Found,
        SeeOther,
        TemporaryRedirect,
        PermanentRedirect,
    }

    internal static HeaderMutationConfig ReadHeaderMutation(MessageReader owner)
    {
        var requestAdd = ReadHeaderValues(owner.Messages("request_headers_to_add", "envoy.config.core.v3.HeaderValueOption"), formatters: true);
        var responseAdd = ReadHeaderValues(owner.Messages("response_headers_to_add", "envoy.config.core.v3.HeaderValueOption"), formatters: true);
        var requestRemove = owner.Strings("request_headers_to_remove");
        var responseRemove = owner.Strings("response_headers_to_remove");
        if (requestAdd.Count == 0 && responseAdd.Count == 0 && requestRemove.Count == 0 && responseRemove.Count == 0)
        {
            return HeaderMutationConfig.Empty;
        }

        return new HeaderMutationConfig(requestAdd, requestRemove.Select(h => h.ToLowerInvariant()).ToArray(), responseAdd, responseRemove.Select(h => h.ToLowerInvariant()).ToArray());
    }

    /// <param name="formatters">
    /// True for the route table's header edits, which expand %...% command operators (Envoy's HeaderParser);
    /// filters that reuse this reader write values as they are, so their command operators are refused.
    /// </param>
    internal static IReadOnlyList<HeaderValueOptionConfig> ReadHeaderValues(IReadOnlyList<MessageReader> options, bool formatters = false)
    {
        var result = new List<HeaderValueOptionConfig>(options.Count);
        foreach (var option in options)
        {
            var header = option.Message("header", "envoy.config.core.v3.HeaderValue");
            var action = HeaderAppendAction.AppendIfExistsOrAdd;
            if (option.Has("append"))
            {
                // Legacy BoolValue: append false means overwrite.
                action = option.Bool("append", true) ? HeaderAppendAction.AppendIfExistsOrAdd : HeaderAppendAction.OverwriteIfExistsOrAdd;
            }

            if (option.Has("append_action"))
            {
                var appendAction = option.Enum("append_action", HeaderAppendAction.AppendIfExistsOrAdd, "envoy.config.core.v3.HeaderValueOption.HeaderAppendAction");
                if (option.Has("append") && appendAction != HeaderAppendAction.AppendIfExistsOrAdd)
                {
                    option.Context.Error(option.Join("append_action"), option.MarkOf("append_action"),
                        "Both append and append_action are set and it's not allowed; remove the deprecated append");
                }
                else
                {
                    action = appendAction;
                }
            }

            var keepEmpty = option.Bool("keep_empty_value");
            option.Finish();
            if (header is null)
            {
                option.Context.Error(option.Join("header"), option.Mark, "missing required field 'header' (key and value)");
                continue;
            }

            var key = header.RequiredString("key");
            var value = header.String("value") ?? "";
            if (header.Has("raw_value"))
            {
                header.Unsupported("raw_value", "use value");
            }

            header.Finish();
            if (formatters && key.Length > 0 && (key[0] == ':' || key.Equals("host", StringComparison.OrdinalIgnoreCase)))
            {
                header.Context.Error(header.Join("key"), header.MarkOf("key"),
                    ":-prefixed or host headers may not be modified; use the route's host_rewrite_* or prefix_rewrite instead");
                continue;
            }

            IReadOnlyList<SubstitutionFormatPart>? format = null;
            if (SubstitutionFormatSyntax.MayHoldCommands(value))
            {
                try
                {
                    var parts = SubstitutionFormatSyntax.Parse(formatters ? SubstitutionFormatSyntax.TranslateLegacyHeaderFormat(value) : value);
                    if (SubstitutionFormatSyntax.AsLiteral(parts) is { } literal)
                    {
                        value = literal;
                    }
                    else if (formatters)
                    {
                        format = parts;
                    }
                    else
                    {
                        header.Context.Unsupported(header.Join("value"), header.MarkOf("value"),
                            $"header value '{value}' uses %...% command operators, which this filter does not expand; write a literal '%' as '%%'");
                    }
                }
                catch (SubstitutionFormatException e)
                {
                    header.Context.Error(header.Join("value"), header.MarkOf("value"), e.Message + "; write a literal '%' as '%%'");
                }
            }

            result.Add(new HeaderValueOptionConfig(key.ToLowerInvariant(), value, action, keepEmpty) { Format = format });
        }

        return result;
    }
}
