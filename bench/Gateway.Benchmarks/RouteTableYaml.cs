using System.Text;

namespace Gateway.Benchmarks;

/// <summary>
/// envoy.yaml text with N routes, the same shape as bench/gen-routes.py: N-1 routes the request does
/// not match (alternating prefix and path), then <c>path: /get</c> last.
/// </summary>
public static class RouteTableYaml
{
    public static string Create(int routes)
    {
        var sb = new StringBuilder("""
            static_resources:
              listeners:
              - name: listener_0
                address: { socket_address: { address: 127.0.0.1, port_value: 10000 } }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: ingress_http
                      route_config:
                        name: local_route
                        virtual_hosts:
                        - name: local_service
                          domains: ["*"]
                          routes:

            """);
        for (var i = 0; i < routes - 1; i++)
        {
            sb.Append(i % 2 == 0
                ? $"              - match: {{ prefix: \"/api/v{i % 7}/svc{i}/\" }}\n"
                : $"              - match: {{ path: \"/static/{i}/index.html\" }}\n");
            sb.Append("                route: { cluster: upstream }\n");
        }

        sb.Append("""
                          - match: { path: "/get" }
                            route: { cluster: upstream }
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              clusters:
              - name: upstream
                type: STATIC
                load_assignment:
                  cluster_name: upstream
                  endpoints:
                  - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8000 } } }

            """);
        return sb.ToString();
    }
}
