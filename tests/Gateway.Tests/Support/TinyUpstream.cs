using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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

    private TinyUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <param name="http2Only">Serve cleartext HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1.</param>
    public static async Task<TinyUpstream> StartAsync(RequestDelegate handler, bool http2Only = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.ConfigureEndpointDefaults(l => l.Protocols = http2Only ? HttpProtocols.Http2 : HttpProtocols.Http1);
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TinyUpstream(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
