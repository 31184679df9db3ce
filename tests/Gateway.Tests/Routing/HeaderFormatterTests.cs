using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Routing;

/// <summary>
/// <c>%...%</c> command operators in request_headers_to_add / response_headers_to_add at route, virtual
/// host and route table level, over real sockets: the values Envoy's header formatters produce. An absent
/// value adds no header (Envoy formats headers with omit_empty_values); upstream operators are empty on the
/// request side (Envoy finalizes request headers before it picks the host) and set on the response side.
/// </summary>
public sealed class HeaderFormatterTests
{
    private static string Cluster(int port) => $$"""
        - name: echo
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: echo
            endpoints:
            - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: 127.0.0.1, port_value: {{port}} }
                metadata:
                  filter_metadata:
                    envoy.lb: { version: v2, canary: true, shard: { id: 7 } }
        """;

    private static string Yaml(int port) => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: echo }
          request_headers_to_add:
          - header: { key: x-remote, value: "%DOWNSTREAM_REMOTE_ADDRESS%" }
          - header: { key: x-remote-ip, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" }
          - header: { key: x-local, value: "%DOWNSTREAM_LOCAL_ADDRESS%" }
          - header: { key: x-mixed, value: "client=%REQ(x-client)% via %PROTOCOL% 100%%" }
          - header: { key: x-absent, value: "%REQ(x-nope)%" }
          - header: { key: x-absent-kept, value: "%REQ(x-nope)%" }
            keep_empty_value: true
          - header: { key: x-up-host, value: "%UPSTREAM_HOST%" }
          - header: { key: x-cluster, value: "%UPSTREAM_CLUSTER%" }
          - header: { key: x-year, value: "%START_TIME(%Y)%" }
          - header: { key: x-sni, value: "%REQUESTED_SERVER_NAME%" }
          - header: { key: x-client, value: "%REQ(x-client):3%" }
            append_action: OVERWRITE_IF_EXISTS_OR_ADD
          response_headers_to_add:
          - header: { key: x-upstream-host, value: "%UPSTREAM_HOST%" }
          - header: { key: x-version, value: "%UPSTREAM_METADATA([\"envoy.lb\", \"version\"])%" }
          - header: { key: x-shard, value: "%UPSTREAM_METADATA(envoy.lb:shard:id)%" }
          - header: { key: x-canary, value: "%UPSTREAM_METADATA(envoy.lb:canary)%" }
          - header: { key: x-seen-echo, value: "%RESP(x-seen-host)%" }
          - header: { key: x-req-path, value: "%REQ(:PATH)%" }
        """,
        Cluster(port),
        vhostExtra: """
        request_headers_to_add:
        - header: { key: x-vhost, value: "%HOSTNAME%" }
        """,
        routeConfigExtra: """
        response_headers_to_add:
        - header: { key: x-table, value: "[%RESPONSE_CODE%]" }
        """);

    [Fact]
    public async Task Request_headers_get_the_formatted_values_envoy_sends()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("GET /a?q=1 HTTP/1.1\r\nHost: a\r\nx-client: abcdef\r\n\r\n");
        var response = await connection.ReadResponseAsync();
        Assert.True(response.Status == 200, response.ToString());

        var seen = (string name) => EchoUpstream.SeenHeader(response, name);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", seen("x-remote"));
        Assert.NotEqual("127.0.0.1:" + gateway.Port, seen("x-remote"));
        Assert.Equal("127.0.0.1", seen("x-remote-ip"));
        Assert.Equal("127.0.0.1:" + gateway.Port, seen("x-local"));
        Assert.Equal("client=abcdef via HTTP/1.1 100%", seen("x-mixed"));
        Assert.Null(seen("x-absent"));
        Assert.Equal("", seen("x-absent-kept"));
        // The upstream host is not chosen yet when Envoy finalizes request headers; the cluster is known.
        Assert.Null(seen("x-up-host"));
        Assert.Equal("echo", seen("x-cluster"));
        Assert.Equal(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), seen("x-year"));
        Assert.Null(seen("x-sni"));
        Assert.Equal("abc", seen("x-client"));
        Assert.Equal(Environment.MachineName, seen("x-vhost"));
    }

    [Fact]
    public async Task Response_headers_see_the_upstream_host_its_metadata_and_the_response()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /b?z=2 HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("127.0.0.1:" + upstream.Port, response.Header("x-upstream-host"));
        Assert.Equal("v2", response.Header("x-version"));
        Assert.Equal("7", response.Header("x-shard"));
        Assert.Equal("true", response.Header("x-canary"));
        Assert.Equal("a", response.Header("x-seen-echo"));
        Assert.Equal("/b?z=2", response.Header("x-req-path"));
        Assert.Equal("[200]", response.Header("x-table"));
    }

    [Fact]
    public async Task Direct_responses_and_redirects_format_their_response_headers()
    {
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/direct" }
              direct_response: { status: 202 }
              response_headers_to_add:
              - header: { key: x-echo, value: "%REQ(x-in)%/%RESPONSE_CODE%" }
            - match: { prefix: "/moved" }
              redirect: { path_redirect: "/new" }
              response_headers_to_add:
              - header: { key: x-echo, value: "%REQ(x-in)%" }
            """));
        var direct = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /direct HTTP/1.1\r\nHost: a\r\nx-in: hello\r\n\r\n");
        Assert.Equal(202, direct.Status);
        Assert.StartsWith("hello/", direct.Header("x-echo"));
        var moved = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /moved HTTP/1.1\r\nHost: a\r\nx-in: there\r\n\r\n");
        Assert.Equal(301, moved.Status);
        Assert.Equal("there", moved.Header("x-echo"));
    }

    [Fact]
    public async Task Dynamic_metadata_a_filter_set_is_formatted_in_both_forms()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: echo }
              request_headers_to_add:
              - header: { key: x-user, value: "%DYNAMIC_METADATA(my.ns:user:name)%" }
              - header: { key: x-legacy, value: "%DYNAMIC_METADATA([\"my.ns\", \"user\", \"name\"])%" }
              - header: { key: x-roles, value: "%DYNAMIC_METADATA(my.ns:user:roles)%" }
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port),
            httpFilters: """
            - name: envoy.filters.http.lua
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
                default_source_code:
                  inline_string: |
                    function envoy_on_request(h)
                      h:streamInfo():dynamicMetadata():set("my.ns", "user", {name = "bob", roles = {"a", "b"}})
                    end
            """);
        await using var gateway = await TestGateway.StartAsync(yaml);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("bob", EchoUpstream.SeenHeader(response, "x-user"));
        Assert.Equal("bob", EchoUpstream.SeenHeader(response, "x-legacy"));
        Assert.Equal("[\"a\",\"b\"]", EchoUpstream.SeenHeader(response, "x-roles"));
    }

    [Fact]
    public async Task One_levels_additions_are_formatted_against_the_headers_before_that_level()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: echo }
              request_headers_to_add:
              - header: { key: x-client, value: "changed" }
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
              - header: { key: x-copy, value: "%REQ(x-client)%" }
              - header: { key: x-stage, value: "route" }
              - header: { key: x-gone, value: "added by the route" }
              - header: { key: x-dup, value: "appended" }
              - header: { key: x-dup, value: "overwritten" }
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
              - header: { key: x-twice, value: "one" }
                append_action: ADD_IF_ABSENT
              - header: { key: x-twice, value: "two" }
                append_action: ADD_IF_ABSENT
            """,
            Cluster(upstream.Port),
            vhostExtra: """
            request_headers_to_add:
            - header: { key: x-prev, value: "%REQ(x-stage)%/%REQ(x-copy)%" }
            request_headers_to_remove: [x-gone]
            """);
        await using var gateway = await TestGateway.StartAsync(yaml);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\nx-client: original\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        var seen = (string name) => EchoUpstream.SeenHeader(response, name);
        // Envoy's evaluateHeaders: the route's entries all see x-client as it came in ...
        Assert.Equal("changed", seen("x-client"));
        Assert.Equal("original", seen("x-copy"));
        // ... overwrites are made before additions, and ADD_IF_ABSENT asks the headers the level started with.
        Assert.Matches("^overwritten, ?appended$", seen("x-dup"));
        Assert.Matches("^one, ?two$", seen("x-twice"));
        // The virtual host's level comes after the route's: it sees the route's edits and removes what it added.
        Assert.Equal("route/original", seen("x-prev"));
        Assert.Null(seen("x-gone"));
    }

    [Fact]
    public async Task Response_operators_in_request_headers_are_absent()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: echo }
              request_headers_to_add:
              - header: { key: x-server, value: "%RESP(server)%" }
              - header: { key: x-server-kept, value: "[%RESP(server)%]" }
              - header: { key: x-status, value: "%RESP(:status)%" }
              response_headers_to_add:
              - header: { key: x-server-seen, value: "%RESP(server)%" }
            """,
            Cluster(upstream.Port));
        await using var gateway = await TestGateway.StartAsync(yaml);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        var seen = (string name) => EchoUpstream.SeenHeader(response, name);
        // Envoy formats request headers with no response headers in the context.
        Assert.Null(seen("x-server"));
        Assert.Equal("[]", seen("x-server-kept"));
        Assert.Null(seen("x-status"));
        Assert.NotNull(response.Header("x-server-seen"));
    }
}
