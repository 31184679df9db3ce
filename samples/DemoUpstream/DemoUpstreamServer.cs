using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DemoUpstream;

/// <summary>
/// Entry point for hosting the httpbin-like demo upstream, either from <c>Program</c>
/// or in-process from gateway tests.
/// </summary>
public static class DemoUpstreamServer
{
    /// <summary>Default listen address of the standalone sample.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8000";

    /// <summary>
    /// Builds (but does not start) the demo upstream application.
    /// </summary>
    /// <param name="urls">One or more listen URLs separated by ';'. Port 0 picks a free port.</param>
    public static WebApplication Build(string urls = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Command-line style host settings: file watchers for appsettings.json would cost an
            // inotify instance per server, which adds up when many tests start their own upstream.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = typeof(DemoUpstreamServer).Assembly.GetName().Name,
            // Production avoids development-only extras (static web assets, detailed errors).
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The demo is exercised by tests and by humans with curl; request logs are only noise.
        builder.Logging.ClearProviders();

        // Neutral responses: the gateway under test may add or rewrite "server" itself.
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);

        builder.Services.AddSingleton<RequestCounter>();

        var app = builder.Build();

        // Explicit URLs take precedence over ASPNETCORE_URLS etc. inherited from a test host.
        app.Urls.Clear();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            app.Urls.Add(url);
        }

        app.UseMiddleware<ErrorShieldMiddleware>();
        app.UseWebSockets();
        HttpBinEndpoints.Map(app);
        return app;
    }

    /// <summary>
    /// Builds and starts the demo upstream and returns once Kestrel is listening.
    /// </summary>
    /// <param name="url">One or more listen URLs separated by ';'. Port 0 picks a free port.</param>
    public static async Task<DemoUpstreamHandle> StartAsync(string url = "http://127.0.0.1:0", CancellationToken ct = default)
    {
        var app = Build(url);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Only the server knows the real port when 0 was requested.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel did not report its listen addresses.");
        var bound = addresses.Select(a => new Uri(a, UriKind.Absolute)).ToArray();
        if (bound.Length == 0)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("Kestrel is not listening on any address.");
        }

        return new DemoUpstreamHandle(app, bound, app.Services.GetRequiredService<RequestCounter>());
    }
}
