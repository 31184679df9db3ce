using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Gateway.Tests.Network;

/// <summary>
/// Mutual TLS both ways, as Envoy's DefaultCertValidator: a listener's require_client_certificate and
/// validation_context (trusted_ca, SAN matchers) decide which clients complete the handshake, on a
/// Kestrel-only listener and on a network listener's SNI chain; a cluster presents its tls_certificates
/// and checks the upstream against its validation_context (names only through SAN matchers, never SNI).
/// </summary>
public sealed class MutualTlsTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create("gateway-test-ca");
    private readonly TestPki _otherPki = TestPki.Create("other-ca");

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
    }

    /// <summary>PEM as a one-line YAML double-quoted scalar (JSON's escapes are YAML's).</summary>
    private static string Q(string pem) => System.Text.Json.JsonSerializer.Serialize(pem);

    private string ListenerYaml(string tlsExtra, string validation, bool sniChain)
    {
        using var server = _pki.Issue("gateway.test", ["gateway.test"]);
        var match = sniChain ? "filter_chain_match: { server_names: [gateway.test] }" : "";
        var inspector = sniChain ? "listener_filters: [{ name: envoy.filters.listener.tls_inspector }]" : "";
        return $$"""
            admin:
              address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            static_resources:
              listeners:
              - name: tls
                address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                {{inspector}}
                filter_chains:
                - {{match}}
                  transport_socket:
                    name: envoy.transport_sockets.tls
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                      {{tlsExtra}}
                      common_tls_context:
                        tls_certificates:
                        - certificate_chain: { inline_string: {{Q(TestPki.CertificatePem(server))}} }
                          private_key: { inline_string: {{Q(TestPki.KeyPem(server))}} }
                        {{validation}}
                  filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: mtls
                      route_config:
                        virtual_hosts:
                        - name: all
                          domains: ["*"]
                          routes:
                          - match: { prefix: "/" }
                            direct_response: { status: 200, body: { inline_string: "ok" } }
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
            """;
    }

    /// <summary>A validation_context on one line: the CA, then <paramref name="extra"/> fields.</summary>
    private static string Validation(TestPki ca, string extra = "") =>
        $"validation_context: {{ trusted_ca: {{ inline_string: {Q(ca.CaPem)} }}{(extra.Length > 0 ? ", " + extra : "")} }}";

    /// <summary>GET / over TLS to gateway.test, presenting <paramref name="client"/> (or no certificate).</summary>
    private static async Task<HttpStatusCode?> GetAsync(int port, X509Certificate2? client)
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = client is null ? null : new X509CertificateCollection { client },
                LocalCertificateSelectionCallback = client is null ? null : (_, _, _, _, _) => client,
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            // SocketsHttpHandler sends the Host header as SNI (not SslOptions.TargetHost).
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{port}/");
            request.Headers.Host = "gateway.test";
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The handshake failed (or, with TLS 1.3, the connection closed right after it).
            return null;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_required_client_certificate_must_chain_to_the_trusted_ca(bool sniChain)
    {
        await using var gateway = await TestGateway.StartAsync(ListenerYaml("require_client_certificate: true", Validation(_pki), sniChain));
        using var good = _pki.Issue("client", ["client.test"]);
        using var stranger = _otherPki.Issue("client", ["client.test"]);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway.Port, good));
        Assert.Null(await GetAsync(gateway.Port, null));
        Assert.Null(await GetAsync(gateway.Port, stranger));
    }

    [Fact]
    public async Task Without_require_a_client_may_send_no_certificate_but_not_a_bad_one()
    {
        await using var gateway = await TestGateway.StartAsync(ListenerYaml("", Validation(_pki), sniChain: false));
        using var stranger = _otherPki.Issue("client", ["client.test"]);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway.Port, null));
        Assert.Null(await GetAsync(gateway.Port, stranger));
    }

    [Theory]
    [InlineData("{ san_type: DNS, matcher: { exact: client.test } }", true)]
    [InlineData("{ san_type: DNS, matcher: { exact: other.test } }", false)]
    [InlineData("{ san_type: URI, matcher: { prefix: \"spiffe://cluster.local/\" } }", true)]
    [InlineData("{ san_type: EMAIL, matcher: { exact: client.test } }", false)]
    public async Task Typed_san_matchers_pick_which_clients_pass(string matcher, bool passes)
    {
        await using var gateway = await TestGateway.StartAsync(ListenerYaml("require_client_certificate: true",
            Validation(_pki, $"match_typed_subject_alt_names: [{matcher}]"), sniChain: false));
        using var client = _pki.Issue("client", ["client.test"], uri: "spiffe://cluster.local/ns/default/sa/client");
        Assert.Equal(passes ? HttpStatusCode.OK : null, await GetAsync(gateway.Port, client));
    }

    [Fact]
    public async Task San_matchers_without_a_trusted_ca_are_refused_as_envoy_refuses_them()
    {
        var yaml = ListenerYaml("", "validation_context: { match_typed_subject_alt_names: [{ san_type: DNS, matcher: { exact: client.test } }] }", sniChain: false);
        var error = await Assert.ThrowsAsync<Gateway.Clusters.Configuration.ConfigException>(() => TestGateway.StartAsync(yaml));
        Assert.Contains("SAN-based verification of peer certificates without trusted CA is insecure and not allowed", error.Message, StringComparison.Ordinal);
    }

    // ---- upstream ----

    private string ClusterYaml(int port, string sni, TestPki ca, string sanMatchers, bool clientCertificate = true)
    {
        using var client = _pki.Issue("gateway-client", ["gateway-client.test"]);
        var certificates = clientCertificate
            ? $"tls_certificates: [{{ certificate_chain: {{ inline_string: {Q(TestPki.CertificatePem(client))} }}, private_key: {{ inline_string: {Q(TestPki.KeyPem(client))} }} }}]"
            : "";
        var cluster = $$"""
            - name: up
              connect_timeout: 2s
              type: STATIC
              load_assignment:
                cluster_name: up
                endpoints:
                - lb_endpoints:
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{port}} } } }
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                  sni: {{sni}}
                  common_tls_context:
                    {{certificates}}
                    {{Validation(ca, sanMatchers)}}
            """;
        return EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: up }
            """, cluster);
    }

    /// <summary>An HTTPS upstream with a certificate from the test CA for <paramref name="names"/>; it answers with the client certificate's subject.</summary>
    private async Task<TinyUpstream> UpstreamAsync(string[] names, bool requireClientCertificate = true)
    {
        var certificate = _pki.Issue(names[0], names);
        return await TinyUpstream.StartHttpsAsync(
            context => context.Response.WriteAsync(context.Connection.ClientCertificate?.Subject ?? "none"),
            new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,
                ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (_, _, _) => true,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            });
    }

    [Fact]
    public async Task The_cluster_presents_its_client_certificate_and_checks_the_upstream_san()
    {
        await using var upstream = await UpstreamAsync(["up.test"]);
        await using var gateway = await TestGateway.StartAsync(ClusterYaml(upstream.Port, "up.test", _pki,
            "match_typed_subject_alt_names: [{ san_type: DNS, matcher: { exact: up.test } }]"));
        using var response = await gateway.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=gateway-client", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    // A name no matcher accepts, or a CA the upstream's certificate does not chain to: the connection fails (503).
    [InlineData("up.test", "match_typed_subject_alt_names: [{ san_type: DNS, matcher: { exact: other.test } }]", false, 503)]
    [InlineData("up.test", "", true, 503)]
    // An exact DNS matcher follows wildcard certificates; the legacy matcher looks at every SAN.
    [InlineData("*.svc.test", "match_typed_subject_alt_names: [{ san_type: DNS, matcher: { exact: up.svc.test } }]", false, 200)]
    [InlineData("*.svc.test", "match_subject_alt_names: [{ suffix: .svc.test }]", false, 200)]
    // Without SAN matchers Envoy checks no name, not even against sni.
    [InlineData("up.test", "", false, 200)]
    public async Task The_upstream_certificate_is_checked_by_ca_and_san_only(string upstreamName, string sanMatchers, bool otherCa, int status)
    {
        await using var upstream = await UpstreamAsync([upstreamName]);
        await using var gateway = await TestGateway.StartAsync(ClusterYaml(upstream.Port, "not-the-cert-name.test", otherCa ? _otherPki : _pki, sanMatchers));
        using var response = await gateway.Client.GetAsync("/");
        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task Without_tls_certificates_no_client_certificate_is_sent()
    {
        await using var upstream = await UpstreamAsync(["up.test"], requireClientCertificate: false);
        await using var gateway = await TestGateway.StartAsync(ClusterYaml(upstream.Port, "up.test", _pki, "", clientCertificate: false));
        Assert.Equal("none", await gateway.Client.GetStringAsync("/"));
    }
}
