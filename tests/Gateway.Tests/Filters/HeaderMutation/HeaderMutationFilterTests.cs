using Gateway.Filters.HeaderMutation;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters.HeaderMutation;

/// <summary>envoy.filters.http.header_mutation: request and response rules in order, then the route's HeaderMutationPerRoute.</summary>
public sealed class HeaderMutationFilterTests
{
    private const string Filter = """
        - name: envoy.filters.http.header_mutation
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation
            mutations:
              request_mutations:
              - remove: x-secret
              - append:
                  header: { key: x-added, value: filter }
              - append:
                  header: { key: x-keep, value: filter }
                  append_action: ADD_IF_ABSENT
              - remove_on_match:
                  key_matcher: { prefix: x-drop- }
              response_mutations:
              - append:
                  header: { key: x-served-by, value: gateway }
                  append_action: OVERWRITE_IF_EXISTS_OR_ADD
              - remove: x-internal
        """;

    private const string Routes = """
        - match: { prefix: "/route" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.header_mutation:
              "@type": type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutationPerRoute
              mutations:
                request_mutations:
                - append:
                    header: { key: x-added, value: route }
                    append_action: OVERWRITE_IF_EXISTS_OR_ADD
                response_mutations:
                - append:
                    header: { key: x-route, value: "yes" }
        - match: { prefix: "/" }
          route: { cluster: backend }
        """;

    private static Task<TinyUpstream> StartUpstreamAsync() => TinyUpstream.StartAsync(async ctx =>
    {
        var h = ctx.Request.Headers;
        ctx.Response.Headers["x-internal"] = "1";
        ctx.Response.Headers["x-served-by"] = "upstream";
        await ctx.Response.WriteAsync($"secret={h["x-secret"]};added={h["x-added"]};keep={h["x-keep"]};drop={h["x-drop-me"]};other={h["x-other"]}");
    });

    private static HttpRequestMessage Request(string path) => new(HttpMethod.Get, path)
    {
        Headers = { { "x-secret", "s" }, { "x-keep", "client" }, { "x-drop-me", "d" }, { "x-other", "o" } },
    };

    [Fact]
    public async Task Filter_rules_apply_to_request_and_response_headers_in_order()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        using var response = await gateway.Client.SendAsync(Request("/a"));
        Assert.Equal("secret=;added=filter;keep=client;drop=;other=o", await response.Content.ReadAsStringAsync());
        Assert.Equal("gateway", FilterTestSupport.Header(response, "x-served-by"));
        Assert.Null(FilterTestSupport.Header(response, "x-internal"));
        Assert.Null(FilterTestSupport.Header(response, "x-route"));
    }

    [Fact]
    public async Task The_route_rules_run_after_the_filter_rules()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        using var response = await gateway.Client.SendAsync(Request("/route"));
        Assert.Equal("secret=;added=route;keep=client;drop=;other=o", await response.Content.ReadAsStringAsync());
        Assert.Equal("yes", FilterTestSupport.Header(response, "x-route"));
        Assert.Equal("gateway", FilterTestSupport.Header(response, "x-served-by"));
    }

    [Fact]
    public void Config_reads_the_rules_and_refuses_a_rule_with_no_or_two_actions()
    {
        var settings = FilterTestSupport.SettingsOf<HeaderMutationFilterSettings>(Filter);
        Assert.Equal(4, settings.Mutations.Request.Count);
        Assert.Equal("x-secret", settings.Mutations.Request[0].Remove);
        Assert.Equal(2, settings.Mutations.Response.Count);

        var error = FilterTestSupport.LoadError(Filter.Replace("- remove: x-internal", "- {}"));
        Assert.Contains("needs one of remove, append or remove_on_match", error);
        error = FilterTestSupport.LoadError(Filter.Replace("- remove: x-internal", "- { remove: a, append: { header: { key: b, value: c } } }"));
        Assert.Contains("not several (they are a oneof)", error);
        error = FilterTestSupport.LoadError(Filter.Replace("- remove: x-internal", "- remove: \":path\""));
        Assert.Contains("pseudo-headers cannot be removed", error);
    }
}
