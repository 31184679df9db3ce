using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Support;

namespace Gateway.Tests.Network;

/// <summary>
/// tls_inspector and server_names: TLS passed through to the cluster the SNI selects (the client
/// sees that upstream's certificate), and HTTP chains terminating TLS with their own certificates.
/// </summary>
public sealed class SniRoutingTests
{
    [Fact]
    public async Task Sni_routes_passed_through_tls_to_two_clusters_and_the_client_sees_each_upstreams_certificate()
    {
        using var certA = TestCertificates.Create("a.example.com");
        using var certB = TestCertificates.Create("b.example.com");
        await using var upstreamA = TcpTestUpstream.Tls(certA);
        await using var upstreamB = TcpTestUpstream.Tls(certB);
        var yaml = NetworkYaml.Listener(
            $"""
            listener_filters:
            {NetworkYaml.TlsInspector}
            filter_chains:
            - filter_chain_match: {"{"} server_names: [a.example.com] {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("a", "tls_a"), 2)}
            - filter_chain_match: {"{"} server_names: ["*.example.com"] {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("b", "tls_b"), 2)}
            """,
            EnvoyYaml.StaticCluster("a", upstreamA.Port) + EnvoyYaml.StaticCluster("b", upstreamB.Port));
        await using var gw = await TestGateway.StartAsync(yaml);

        // Exact name to a; the wildcard takes any other name under example.com.
        Assert.Equal(("CN=a.example.com", "sni=a.example.com"), await HandshakeAsync(gw.Port, "a.example.com"));
        Assert.Equal(("CN=b.example.com", "sni=b.example.com"), await HandshakeAsync(gw.Port, "b.example.com"));
        Assert.Equal(("CN=b.example.com", "sni=x.y.example.com"), await HandshakeAsync(gw.Port, "x.y.example.com"));
        Assert.Equal(1, upstreamA.Connections);
        Assert.Equal(2, upstreamB.Connections);

        // No chain for another name and no default chain: closed before any upstream is involved.
        await Assert.ThrowsAnyAsync<IOException>(() => HandshakeAsync(gw.Port, "other.test"));
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["tcp.tls_a.downstream_cx_total"]);
        Assert.Equal(2, stats["tcp.tls_b.downstream_cx_total"]);
    }

    [Fact]
    public async Task Http_chains_chosen_by_sni_terminate_tls_with_their_own_certificate_and_routes_beside_a_passthrough_chain()
    {
        using var certA = TestCertificates.Create("a.example.com");
        using var certB = TestCertificates.Create("b.example.com");
        using var certC = TestCertificates.Create("c.example.com");
        await using var upstreamC = TcpTestUpstream.Tls(certC);
        var yaml = NetworkYaml.Listener(
            $"""
            filter_chains:
            - filter_chain_match: {"{"} server_names: [a.example.com] {"}"}
            {TestCertificates.TransportSocket(certA, 2)}  filters:
            {EnvoyYaml.Indent(DirectHcm("from-a"), 2)}
            - filter_chain_match: {"{"} server_names: [b.example.com] {"}"}
            {TestCertificates.TransportSocket(certB, 2)}  filters:
            {EnvoyYaml.Indent(DirectHcm("from-b"), 2)}
            - filter_chain_match: {"{"} server_names: [c.example.com] {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("c", "tls_c"), 2)}
            """,
            EnvoyYaml.StaticCluster("c", upstreamC.Port));
        await using var gw = await TestGateway.StartAsync(yaml);

        foreach (var (host, body) in new[] { ("a.example.com", "from-a"), ("b.example.com", "from-b") })
        {
            X509Certificate2? seen = null;
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gw.Port), token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        seen = certificate is null ? null : new X509Certificate2(certificate);
                        return true;
                    },
                },
            };
            using var client = new HttpClient(handler);
            var response = await client.GetAsync($"https://{host}/");
            Assert.Equal(body, await response.Content.ReadAsStringAsync());
            Assert.Equal($"CN={host}", seen?.Subject);
        }

        // The third name is passed through: the TLS upstream's own certificate and greeting.
        Assert.Equal(("CN=c.example.com", "sni=c.example.com"), await HandshakeAsync(gw.Port, "c.example.com"));
        var stats = await gw.StatsAsync();
        Assert.Equal(2, stats["http.ingress_https.downstream_cx_total"]);
        Assert.Equal(1, stats["tcp.tls_c.downstream_cx_total"]);
    }

    private static string DirectHcm(string body) => $$"""
        - name: envoy.filters.network.http_connection_manager
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
            stat_prefix: ingress_https
            route_config:
              virtual_hosts:
              - name: all
                domains: ["*"]
                routes:
                - match: { prefix: "/" }
                  direct_response: { status: 200, body: { inline_string: "{{body}}" } }
            http_filters:
            - name: envoy.filters.http.router
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """;

    /// <summary>TLS to the gateway with <paramref name="sni"/>: the certificate subject seen and the upstream's greeting.</summary>
    private static async Task<(string Subject, string Greeting)> HandshakeAsync(int port, string sni)
    {
        using var socket = await TcpClientHelpers.ConnectAsync(port);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        });
        var subject = tls.RemoteCertificate!.Subject;
        return (subject, await TcpClientHelpers.ReadLineAsync(tls));
    }
}
