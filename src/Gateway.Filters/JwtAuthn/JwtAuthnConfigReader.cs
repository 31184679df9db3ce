using Gateway.Clusters.Configuration;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.JwtAuthn;

/// <summary>Reads JwtAuthentication and PerRouteConfig.</summary>
internal static class JwtAuthnConfigReader
{
    private const string Ns = "envoy.extensions.filters.http.jwt_authn.v3.";

    public static JwtAuthnSettings Read(string filterName, MessageReader config)
    {
        var providers = new Dictionary<string, JwtProviderConfig>(StringComparer.Ordinal);
        if (config.Take("providers") is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                var path = config.Join("providers") + "." + name;
                if (value is not YamlMappingNode body)
                {
                    config.Context.Error(path, YamlMark.Of(value), "expected a JwtProvider mapping");
                    continue;
                }

                var reader = new MessageReader(config.Context, body, path, Ns + "JwtProvider", config.RootType);
                providers[name] = ReadProvider(name, reader);
                reader.Finish();
            }
        }

        var requirementMap = new Dictionary<string, JwtRequirementConfig>(StringComparer.Ordinal);
        if (config.Take("requirement_map") is YamlMappingNode requirements)
        {
            foreach (var (key, value) in requirements.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                var path = config.Join("requirement_map") + "." + name;
                if (value is YamlMappingNode body)
                {
                    var reader = new MessageReader(config.Context, body, path, Ns + "JwtRequirement", config.RootType);
                    if (ReadRequirement(reader, providers) is { } requirement)
                    {
                        requirementMap[name] = requirement;
                    }

                    reader.Finish();
                }
            }
        }

        var rules = new List<JwtRuleConfig>();
        foreach (var rule in config.Messages("rules", Ns + "RequirementRule"))
        {
            var matchReader = rule.Message("match", "envoy.config.route.v3.RouteMatch");
            if (matchReader is null)
            {
                rule.Context.Error(rule.Path, rule.Mark, "a jwt_authn rule needs a match");
                rule.Finish();
                continue;
            }

            var match = HeaderMatcherReader.ReadRouteMatch(matchReader);
            JwtRequirementConfig? requires = null;
            if (rule.Message("requires", Ns + "JwtRequirement") is { } req)
            {
                requires = ReadRequirement(req, providers);
                req.Finish();
            }

            var requirementName = rule.String("requirement_name");
            if (requirementName is not null && !requirementMap.ContainsKey(requirementName))
            {
                rule.Context.Error(rule.Join("requirement_name"), rule.MarkOf("requirement_name"), $"requirement_name '{requirementName}' is not in requirement_map");
            }

            rule.Finish();
            rules.Add(new JwtRuleConfig(match, requires, requirementName));
        }

        var bypass = config.Bool("bypass_cors_preflight");
        var statPrefix = config.String("stat_prefix") ?? "";
        config.Unsupported("filter_state_rules");
        config.Accept("strip_failure_response");
        return new JwtAuthnSettings(filterName, providers, rules, requirementMap, bypass, statPrefix);
    }

    public static JwtAuthnPerRouteSettings ReadPerRoute(MessageReader config) =>
        new(config.Bool("disabled"), config.String("requirement_name"));

    private static JwtProviderConfig ReadProvider(string name, MessageReader provider)
    {
        var result = new JwtProviderConfig
        {
            Name = name,
            Issuer = provider.String("issuer") ?? "",
            Audiences = provider.Strings("audiences"),
            Forward = provider.Bool("forward"),
            ForwardPayloadHeader = provider.String("forward_payload_header") ?? "",
            PadForwardPayloadHeader = provider.Bool("pad_forward_payload_header"),
            PayloadInMetadata = provider.String("payload_in_metadata") ?? "",
            HeaderInMetadata = provider.String("header_in_metadata") ?? "",
            ClockSkew = TimeSpan.FromSeconds(provider.Integer("clock_skew_seconds", 0, int.MaxValue) ?? 60),
            ClearRouteCache = provider.Bool("clear_route_cache"),
        };

        if (provider.Message("local_jwks", "envoy.config.core.v3.DataSource") is { } local)
        {
            result = result with { LocalJwks = HeaderMatcherReader.ReadDataSource(local) ?? "" };
        }
        else if (provider.Message("remote_jwks", Ns + "RemoteJwks") is { } remote)
        {
            if (remote.Message("http_uri", "envoy.config.core.v3.HttpUri") is { } uri)
            {
                result = result with
                {
                    RemoteUri = uri.RequiredString("uri"),
                    RemoteCluster = uri.RequiredString("cluster"),
                    RemoteTimeout = uri.Duration("timeout") ?? TimeSpan.FromSeconds(1),
                };
                uri.Finish();
            }
            else
            {
                remote.Context.Error(remote.Path, remote.Mark, "remote_jwks needs http_uri (uri, cluster, timeout)");
            }

            if (remote.Duration("cache_duration") is { } cache)
            {
                result = result with { CacheDuration = cache };
            }

            // Fetching on first use is what Envoy does without async_fetch; with it Envoy fetches at start.
            remote.Accept("async_fetch");
            remote.Unsupported("retry_policy");
            remote.Finish();
        }
        else
        {
            provider.Context.Error(provider.Path, provider.Mark, $"jwt provider '{name}' needs local_jwks or remote_jwks");
        }

        var locations = new List<JwtTokenLocation>();
        foreach (var header in provider.Messages("from_headers", Ns + "JwtHeader"))
        {
            locations.Add(new JwtTokenLocation(JwtTokenSource.Header, header.RequiredString("name").ToLowerInvariant(), header.String("value_prefix") ?? ""));
            header.Finish();
        }

        locations.AddRange(provider.Strings("from_params").Select(p => new JwtTokenLocation(JwtTokenSource.QueryParameter, p)));
        locations.AddRange(provider.Strings("from_cookies").Select(c => new JwtTokenLocation(JwtTokenSource.Cookie, c)));
        if (locations.Count == 0)
        {
            // Envoy's default: Authorization: Bearer <token>, then ?access_token=<token>.
            locations.Add(new JwtTokenLocation(JwtTokenSource.Header, "authorization", "Bearer "));
            locations.Add(new JwtTokenLocation(JwtTokenSource.QueryParameter, "access_token"));
        }

        var claims = new List<KeyValuePair<string, string>>();
        foreach (var claim in provider.Messages("claim_to_headers", Ns + "JwtClaimToHeader"))
        {
            claims.Add(new(claim.RequiredString("header_name"), claim.RequiredString("claim_name")));
            claim.Finish();
        }

        foreach (var field in (ReadOnlySpan<string>)["subjects", "max_lifetime", "jwt_cache_config", "failed_status_in_metadata", "normalize_payload_in_metadata", "require_expiration"])
        {
            provider.Unsupported(field);
        }

        return result with { Locations = locations, ClaimToHeaders = claims };
    }

    private static JwtRequirementConfig? ReadRequirement(MessageReader requirement, IReadOnlyDictionary<string, JwtProviderConfig> providers)
    {
        if (requirement.String("provider_name") is { } name)
        {
            CheckProvider(requirement, "provider_name", name, providers);
            return new JwtRequirementConfig(JwtRequirementKind.Provider, name);
        }

        if (requirement.Message("provider_and_audiences", Ns + "ProviderWithAudiences") is { } withAudiences)
        {
            var provider = withAudiences.RequiredString("provider_name");
            CheckProvider(withAudiences, "provider_name", provider, providers);
            var audiences = withAudiences.Strings("audiences");
            withAudiences.Finish();
            return new JwtRequirementConfig(JwtRequirementKind.Provider, provider, audiences);
        }

        foreach (var (field, kind) in (ReadOnlySpan<(string, JwtRequirementKind)>)[("requires_any", JwtRequirementKind.RequiresAny), ("requires_all", JwtRequirementKind.RequiresAll)])
        {
            if (requirement.Message(field, Ns + "JwtRequirementOrList") is { } list)
            {
                var children = new List<JwtRequirementConfig>();
                foreach (var child in list.Messages("requirements", Ns + "JwtRequirement"))
                {
                    if (ReadRequirement(child, providers) is { } read)
                    {
                        children.Add(read);
                    }

                    child.Finish();
                }

                list.Finish();
                if (children.Count < 2)
                {
                    requirement.Context.Error(requirement.Join(field), requirement.MarkOf(field), $"{field}.requirements needs at least 2 items");
                }

                return new JwtRequirementConfig(kind, Children: children);
            }
        }

        if (requirement.Message("allow_missing", "google.protobuf.Empty") is { } missing)
        {
            missing.Finish();
            return new JwtRequirementConfig(JwtRequirementKind.AllowMissing);
        }

        if (requirement.Message("allow_missing_or_failed", "google.protobuf.Empty") is { } missingOrFailed)
        {
            missingOrFailed.Finish();
            return new JwtRequirementConfig(JwtRequirementKind.AllowMissingOrFailed);
        }

        return null;
    }

    private static void CheckProvider(MessageReader owner, string field, string name, IReadOnlyDictionary<string, JwtProviderConfig> providers)
    {
        if (!providers.ContainsKey(name))
        {
            owner.Context.Error(owner.Join(field), owner.MarkOf(field), $"Wrong requirement_name or provider_name: '{name}' is not a provider of this filter; providers: {string.Join(", ", providers.Keys)}");
        }
    }
}
