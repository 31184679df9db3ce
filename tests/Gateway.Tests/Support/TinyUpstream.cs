using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>
/// A one-handler Kestrel app on 127.0.0.1:0, for tests that need an upstream behaving in a way the
/// demo upstream does not (custom response headers, recording what arrived, ...).
/// <code>await using var up = await TinyUpstream.StartAsync(ctx => { ctx.Response.Headers["x-a"] = "1"; return Task.CompletedTask; });</code>
/// </summary>
public sealed class TinyUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly StrongBox<string?> _sni;

    private TinyUpstream(WebApplication app, int port, StrongBox<string?> sni)
    {
        _app = app;
        Port = port;
        _sni = sni;
    }

    public int Port { get; }

    /// <summary>The server name (SNI) of the latest TLS handshake, when started with tls.</summary>
    public string? LastSni => _sni.Value;

    /// <param name="http2Only">Serve cleartext HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1.</param>
    /// <param name="tls">Serve HTTPS with a fresh self-signed certificate (CN=tiny-upstream).</param>
    public static Task<TinyUpstream> StartAsync(RequestDelegate handler, bool http2Only = false, bool tls = false) =>
        StartAsync(handler, http2Only, tls, https: null);

    /// <summary>Serves HTTPS with the given options (certificate, client certificate mode and check).</summary>
    public static Task<TinyUpstream> StartHttpsAsync(RequestDelegate handler, HttpsConnectionAdapterOptions https) =>
        StartAsync(handler, http2Only: false, tls: true, https);

    private static async Task<TinyUpstream> StartAsync(RequestDelegate handler, bool http2Only, bool tls, HttpsConnectionAdapterOptions? https)
    {
        var sni = new StrongBox<string?>();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(System.Net.IPAddress.Loopback, 0, l =>
            {
                l.Protocols = http2Only ? HttpProtocols.Http2 : HttpProtocols.Http1;
                if (https is not null)
                {
                    l.UseHttps(https);
                }
                else if (tls)
                {
                    var certificate = SelfSignedCertificate();
                    l.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = (_, name) =>
                        {
                            sni.Value = name;
                            return certificate;
                        },
                    });
                }
            });
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TinyUpstream(app, new Uri(address).Port, sni);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=tiny-upstream", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the key in a form it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
