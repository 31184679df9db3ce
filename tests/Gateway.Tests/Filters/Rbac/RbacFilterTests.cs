using System.Net;
using Gateway.Filters.Rbac;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Rbac;

/// <summary>envoy.filters.http.rbac: ALLOW and DENY policies, principals and permissions, shadow rules, RBACPerRoute, 403 RBAC: access denied, stats.</summary>
public sealed class RbacFilterTests
{
    private const string Filter = """
        - name: envoy.filters.http.rbac
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
            rules:
              action: ALLOW
              policies:
                public:
                  permissions:
                  - url_path: { path: { prefix: /public } }
                  principals:
                  - any: true
                admins:
                  permissions:
                  - and_rules:
                      rules:
                      - header: { name: ":method", string_match: { exact: GET } }
                      - not_rule: { url_path: { path: { prefix: /public } } }
                  principals:
                  - and_ids:
                      ids:
                      - header: { name: x-role, string_match: { exact: admin } }
                      - remote_ip: { address_prefix: 127.0.0.0, prefix_len: 8 }
                      - not_id: { direct_remote_ip: { address_prefix: 10.0.0.0, prefix_len: 8 } }
            shadow_rules:
              action: DENY
              policies:
                no deletes:
                  permissions:
                  - header: { name: ":method", string_match: { exact: DELETE } }
                  principals:
                  - any: true
        """;

    private const string Routes = """
        - match: { prefix: "/deny" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.rbac:
              "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute
              rbac:
                rules:
                  action: DENY
                  policies:
                    blocked-port:
                      permissions:
                      - or_rules:
                          rules:
                          - destination_port: 1
                          - header: { name: x-block, present_match: true }
                      principals:
                      - any: true
        - match: { prefix: "/open" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.rbac:
              "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute
        - match: { prefix: "/" }
          route: { cluster: backend }
        """;

    private static async Task<HttpResponseMessage> SendAsync(TestGateway gateway, HttpMethod method, string path, string? role = null, string? block = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Add("x-role", role);
        }

        if (block is not null)
        {
            request.Headers.Add("x-block", block);
        }

        return await gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Allow_policies_let_matching_requests_through_and_answer_the_rest_403()
    {
        await using var upstream = await TinyUpstream.StartAsync(_ => Task.CompletedTask);
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Get, "/public/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Get, "/private", role: "admin")).StatusCode);
        using (var denied = await SendAsync(gateway, HttpMethod.Get, "/private", role: "guest"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Equal("RBAC: access denied", await denied.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(gateway, HttpMethod.Post, "/private", role: "admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(gateway, HttpMethod.Delete, "/private", role: "admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Delete, "/public/y")).StatusCode);

        var stats = await gateway.StatsAsync();
        Assert.Equal(3, stats["http.ingress_http.rbac.allowed"]);
        Assert.Equal(3, stats["http.ingress_http.rbac.denied"]);
        Assert.Equal(2, stats["http.ingress_http.rbac.shadow_denied"]);
        Assert.Equal(4, stats["http.ingress_http.rbac.shadow_allowed"]);
    }

    [Fact]
    public async Task Per_route_rules_replace_the_filters_and_an_empty_per_route_config_turns_it_off()
    {
        await using var upstream = await TinyUpstream.StartAsync(_ => Task.CompletedTask);
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Post, "/deny/x")).StatusCode);
        using (var blocked = await SendAsync(gateway, HttpMethod.Get, "/deny/x", block: "1"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
            Assert.Equal("RBAC: access denied", await blocked.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Post, "/open/x")).StatusCode);
    }

    [Fact]
    public async Task The_denial_names_the_matched_policy_in_the_response_code_details()
    {
        await using var upstream = await TinyUpstream.StartAsync(_ => Task.CompletedTask);
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var hcm = $$"""
            access_log:
            - name: envoy.access_loggers.file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: {{log}}
                log_format: { text_format_source: { inline_string: "%RESPONSE_CODE% %RESPONSE_CODE_DETAILS%\n" } }
            """;
        var yaml = EnvoyYaml.WithRoutes(Routes, EnvoyYaml.StaticCluster("backend", upstream.Port), hcmExtra: hcm, httpFilters: Filter);
        await using var gateway = await TestGateway.StartAsync(yaml, directory: directory);

        (await SendAsync(gateway, HttpMethod.Get, "/private")).Dispose();
        (await SendAsync(gateway, HttpMethod.Get, "/deny/x", block: "1")).Dispose();
        var lines = await TestGateway.WaitForLinesAsync(log, 2);
        Assert.Equal("403 rbac_access_denied_matched_policy[none]", lines[0]);
        Assert.Equal("403 rbac_access_denied_matched_policy[blocked-port]", lines[1]);
    }

    [Fact]
    public void Config_reads_policies_and_refuses_what_envoy_refuses()
    {
        var settings = FilterTestSupport.SettingsOf<RbacSettings>(Filter);
        var rules = Assert.IsType<RbacRules>(settings.Rules);
        Assert.Equal(RbacAction.Allow, rules.Action);
        Assert.Equal(["admins", "public"], rules.Policies.Select(p => p.Name));
        Assert.Equal(RbacAction.Deny, Assert.IsType<RbacRules>(settings.ShadowRules).Action);

        var error = FilterTestSupport.LoadError(Filter.Replace("""
                      principals:
                      - any: true
                    admins:
            """, """
                    admins:
            """));
        Assert.Contains("policy 'public' needs at least one entry in principals", error);

        error = FilterTestSupport.LoadError(Filter.Replace("- url_path: { path: { prefix: /public } }", "- { any: true, destination_port: 80 }"));
        Assert.Contains("a permission takes one rule, not 2", error);

        error = FilterTestSupport.LoadError(Filter.Replace("action: ALLOW", "action: PERMIT"));
        Assert.Contains("invalid value 'PERMIT'", error);

        error = FilterTestSupport.LoadError(Filter.Replace("- any: true\n        admins", "- metadata: { filter: x }\n        admins"));
        Assert.Contains("'metadata' of envoy.config.rbac.v3.Principal is not supported", error);
    }

    /// <summary>The matcher form of examples/rbac (xds matcher_list over the referer header, ALLOW on no match).</summary>
    private const string MatcherFilter = """
        - name: envoy.filters.http.rbac
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
            matcher:
              matcher_list:
                matchers:
                - predicate:
                    not_matcher:
                      single_predicate:
                        input:
                          name: envoy.matching.inputs.request_headers
                          typed_config:
                            "@type": type.googleapis.com/envoy.type.matcher.v3.HttpRequestHeaderMatchInput
                            header_name: referer
                        value_match:
                          safe_regex:
                            google_re2: {}
                            regex: https?://(www.)?envoyproxy.io/docs/envoy.*
                  on_match:
                    action:
                      name: action
                      typed_config:
                        "@type": type.googleapis.com/envoy.config.rbac.v3.Action
                        name: illegal-referer
                        action: DENY
              on_no_match:
                action:
                  name: action
                  typed_config:
                    "@type": type.googleapis.com/envoy.config.rbac.v3.Action
                    name: all-pass
                    action: ALLOW
        """;

    [Fact]
    public async Task The_matcher_form_decides_by_its_first_matching_entry_or_on_no_match()
    {
        await using var upstream = await TinyUpstream.StartAsync(_ => Task.CompletedTask);
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(MatcherFilter, upstream.Port));

        var good = new HttpRequestMessage(HttpMethod.Get, "/x");
        good.Headers.Referrer = new Uri("https://www.envoyproxy.io/docs/envoy/latest/");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(good)).StatusCode);

        var bad = new HttpRequestMessage(HttpMethod.Get, "/x");
        bad.Headers.Referrer = new Uri("https://example.com/");
        using var denied = await gateway.Client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("RBAC: access denied", await denied.Content.ReadAsStringAsync());

        // A missing referer gives the single predicate no value: it does not match, so its not_matcher does.
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Client.GetAsync("/x")).StatusCode);
    }
}
