using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// Builds small envoy.yaml files for tests: one listener (127.0.0.1, port 0) with an HTTP connection
/// manager and an inline route_config, admin on 127.0.0.1:0, and the given clusters. Blocks are passed
/// as YAML written at column 0 and indented here, so tests read like the config a user writes.
/// </summary>
public static class EnvoyYaml
{
    /// <summary>
    /// A whole bootstrap. <paramref name="virtualHosts"/> is the list under <c>route_config.virtual_hosts</c>
    /// (items starting with <c>- name:</c>); <paramref name="clusters"/> the list under
    /// <c>static_resources.clusters</c>; <paramref name="hcmExtra"/> extra HCM fields (e.g.
    /// <c>server_name: foo</c>); <paramref name="routeConfigExtra"/> extra route_config fields;
    /// <paramref name="httpFilters"/> http_filters list items that run before the router.
    /// </summary>
    public static string Bootstrap(string virtualHosts, string clusters = "", string hcmExtra = "", string routeConfigExtra = "", string httpFilters = "")
    {
        var sb = new StringBuilder();
        sb.Append("""
            admin:
              address:
                socket_address: { address: 127.0.0.1, port_value: 0 }
            static_resources:
              listeners:
              - name: listener_0
                address:
                  socket_address: { address: 127.0.0.1, port_value: 0 }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: ingress_http
                      http_filters:

            """);
        sb.Append(Indent(httpFilters, 10));
        sb.Append("""
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router

            """);
        sb.Append(Indent(hcmExtra, 10));
        sb.Append("          route_config:\n            name: local_route\n");
        sb.Append(Indent(routeConfigExtra, 12));
        sb.Append("            virtual_hosts:\n");
        sb.Append(Indent(virtualHosts, 12));
        if (!string.IsNullOrWhiteSpace(clusters))
        {
            sb.Append("  clusters:\n");
            sb.Append(Indent(clusters, 2));
        }

        return sb.ToString();
    }

    /// <summary>A bootstrap with one catch-all virtual host holding <paramref name="routes"/> (a list of <c>- match:</c> items).</summary>
    public static string WithRoutes(string routes, string clusters = "", string hcmExtra = "", string vhostExtra = "", string routeConfigExtra = "", string httpFilters = "") =>
        Bootstrap(
            "- name: local\n  domains: [\"*\"]\n" + Indent(vhostExtra, 2) + "  routes:\n" + Indent(routes, 2),
            clusters,
            hcmExtra,
            routeConfigExtra,
            httpFilters);

    /// <summary>A STATIC cluster list item pointing at 127.0.0.1:<paramref name="port"/>.</summary>
    public static string StaticCluster(string name, int port, string extra = "") => StaticCluster(name, [port], extra);

    /// <summary>A STATIC cluster list item with one endpoint on 127.0.0.1 for each of <paramref name="ports"/>.</summary>
    public static string StaticCluster(string name, IEnumerable<int> ports, string extra = "")
    {
        var sb = new StringBuilder($"""
            - name: {name}
              type: STATIC
              connect_timeout: 1s
            {Indent(extra, 2)}  load_assignment:
                cluster_name: {name}
                endpoints:
                - lb_endpoints:

            """);
        foreach (var port in ports)
        {
            sb.Append($$"""
                      - endpoint:
                          address:
                            socket_address: { address: 127.0.0.1, port_value: {{port}} }

                """);
        }

        return sb.ToString();
    }

    /// <summary>
    /// One route (prefix /) to cluster <c>backend</c> over <paramref name="ports"/>, answering with
    /// <c>x-config-version: <paramref name="headerValue"/></c> so reload tests see which config served.
    /// <paramref name="clusterExtra"/> are cluster fields, <paramref name="routeExtra"/> route action fields.
    /// </summary>
    public static string Backend(IEnumerable<int> ports, string headerValue = "v1", string clusterExtra = "", string routeExtra = "") =>
        WithRoutes(
            $"""
            - match:
                prefix: "/"
              response_headers_to_add:
              - header:
                  key: x-config-version
                  value: "{headerValue}"
              route:
                cluster: backend
            {Indent(routeExtra, 4)}
            """,
            StaticCluster("backend", ports, clusterExtra));

    /// <summary>
    /// Routes for a success (/get, /post, /stream-bytes to cluster <c>demo</c> on <paramref name="demoPort"/>),
    /// a connect failure (/dead to cluster <c>dead</c> on <paramref name="deadPort"/>), a timeout (/delay,
    /// 0.3s) and a direct response (/direct, 200 "hello"); anything else has no route.
    /// <paramref name="accessLogs"/> are HCM access_log list items.
    /// </summary>
    public static string StandardTraffic(int demoPort, int deadPort, string accessLogs = "") =>
        WithRoutes(
            """
            - name: direct
              match: { prefix: "/direct" }
              direct_response: { status: 200, body: { inline_string: "hello" } }
            - match: { prefix: "/dead" }
              route: { cluster: dead }
            - match: { prefix: "/delay" }
              route: { cluster: demo, timeout: 0.3s }
            - name: demo_route
              match: { prefix: "/get" }
              route: { cluster: demo }
            - match: { prefix: "/post" }
              route: { cluster: demo }
            - match: { prefix: "/stream-bytes" }
              route: { cluster: demo }
            """,
            StaticCluster("demo", demoPort) + StaticCluster("dead", deadPort),
            hcmExtra: string.IsNullOrWhiteSpace(accessLogs) ? "" : "access_log:\n" + accessLogs);

    /// <summary>HCM fields that make every 127.0.0.0/8 client internal (x-envoy-* request headers are then honoured).</summary>
    public const string InternalLoopbackHcm = """
        use_remote_address: true
        internal_address_config:
          cidr_ranges:
          - { address_prefix: 127.0.0.0, prefix_len: 8 }
        """;

    /// <summary>Indents every non-empty line by <paramref name="spaces"/>; ensures a trailing newline.</summary>
    public static string Indent(string block, int spaces)
    {
        if (string.IsNullOrWhiteSpace(block))
        {
            return "";
        }

        var pad = new string(' ', spaces);
        var lines = block.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        return string.Join("\n", lines.Select(l => l.Length == 0 ? l : pad + l)) + "\n";
    }
}
