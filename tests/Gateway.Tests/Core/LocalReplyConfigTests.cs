using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>HCM local_reply_config over real sockets: mappers (filter, status, body, headers), body_format text and JSON, and access log filters.</summary>
public sealed class LocalReplyConfigTests
{
    private const string Routes = """
        - match: { prefix: "/known" }
          direct_response: { status: 200, body: { inline_string: "fine" } }
        - match: { prefix: "/dead" }
          route: { cluster: dead }
        """;

    private static async Task<TestGateway> StartAsync(string localReply, string extra = "")
    {
        var hcm = "local_reply_config:\n" + EnvoyYaml.Indent(localReply, 2) + extra;
        // A cluster with no endpoints: 503 no healthy upstream, a local reply of the router.
        var clusters = """
            - name: dead
              type: STATIC
              load_assignment: { cluster_name: dead, endpoints: [] }
            """;
        return await TestGateway.StartAsync(EnvoyYaml.WithRoutes(Routes, clusters, hcmExtra: hcm));
    }

    [Fact]
    public async Task A_matching_mapper_rewrites_status_body_and_headers_and_the_body_format_applies_to_every_local_reply()
    {
        await using var gw = await StartAsync("""
            mappers:
            - filter:
                status_code_filter:
                  comparison: { op: EQ, value: { default_value: 404, runtime_key: key_b } }
              status_code: 401
              body: { inline_string: "not allowed" }
              headers_to_add:
              - header: { key: foo, value: bar }
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
            body_format:
              text_format: "%LOCAL_REPLY_BODY%:%RESPONSE_CODE%:%REQ(:PATH)%"
            """);

        using var mapped = await gw.Client.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.Unauthorized, mapped.StatusCode);
        Assert.Equal("not allowed:401:/nowhere", await mapped.Content.ReadAsStringAsync());
        Assert.Equal("bar", mapped.Headers.GetValues("foo").Single());
        Assert.Equal("text/plain", mapped.Content.Headers.ContentType?.MediaType);

        using var unmapped = await gw.Client.GetAsync("/dead");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unmapped.StatusCode);
        Assert.Equal("no healthy upstream:503:/dead", await unmapped.Content.ReadAsStringAsync());
        Assert.False(unmapped.Headers.Contains("foo"));

        // direct_response is answered through the local reply path, so the body format applies, as in Envoy.
        using var direct = await gw.Client.GetAsync("/known");
        Assert.Equal("fine:200:/known", await direct.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_json_body_format_with_a_header_filter_gives_application_json()
    {
        await using var gw = await StartAsync("""
            mappers:
            - filter:
                header_filter:
                  header: { name: ":method", string_match: { exact: "GET" } }
              body_format_override:
                json_format:
                  code: "%RESPONSE_CODE%"
                  message: "%LOCAL_REPLY_BODY%"
                  flags: "%RESPONSE_FLAGS%"
            """);

        using var get = await gw.Client.GetAsync("/dead");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
        Assert.Equal(503, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("no healthy upstream", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("UH", json.RootElement.GetProperty("flags").GetString());

        using var post = await gw.Client.PostAsync("/dead", new StringContent("x"));
        Assert.Equal("no healthy upstream", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Envoys_demo_config_welcome_page_is_served_for_get()
    {
        await using var gw = await StartAsync("""
            mappers:
            - filter:
                header_filter:
                  header:
                    name: ":method"
                    string_match:
                      exact: "GET"
              body_format_override:
                text_format_source:
                  inline_string: |
                    <html><body><h1>Welcome to Envoy</h1></body></html>
                content_type: "text/html; charset=UTF-8"
            """);

        using var response = await gw.Client.GetAsync("/nowhere");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<html><body><h1>Welcome to Envoy</h1></body></html>\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_operator_in_a_body_format_is_a_config_error()
    {
        var error = await Assert.ThrowsAsync<Gateway.Clusters.Configuration.ConfigException>(() => StartAsync("""
            body_format:
              text_format: "%NOT_AN_OPERATOR%"
            """));

        Assert.Contains("local_reply_config", error.Message);
        Assert.Contains("NOT_AN_OPERATOR", error.Message);
    }

    [Fact]
    public async Task An_access_log_filter_writes_only_the_matching_requests()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "errors.log");
        var hcm = $$"""
            access_log:
            - name: envoy.access_loggers.file
              filter:
                status_code_filter:
                  comparison: { op: GE, value: { default_value: 500, runtime_key: errors } }
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: {{log}}
                log_format: { text_format_source: { inline_string: "%RESPONSE_CODE% %REQ(:PATH)%\n" } }
            """;
        var clusters = """
            - name: dead
              type: STATIC
              load_assignment: { cluster_name: dead, endpoints: [] }
            """;
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(Routes, clusters, hcmExtra: hcm), directory: directory);

        (await gw.Client.GetAsync("/known")).Dispose();
        (await gw.Client.GetAsync("/nowhere")).Dispose();
        (await gw.Client.GetAsync("/dead")).Dispose();

        Assert.Equal("503 /dead", (await TestGateway.WaitForLinesAsync(log, 1)).Single());
    }
}
