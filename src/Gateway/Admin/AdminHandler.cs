using System.Text;
using Gateway.Hosting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Admin;

/// <summary>Envoy's admin interface on admin.address.</summary>
public sealed class AdminHandler
{
    private GatewayHost? _host;

    internal void Attach(GatewayHost host) => _host = host;

    public async Task HandleAsync(HttpContext context)
    {
        var host = _host!;
        var path = context.Request.Path.Value ?? "/";
        var response = context.Response;
        response.ContentType = "text/plain; charset=UTF-8";
        switch (path)
        {
            case "/ready":
                if (host.State.HealthCheckFailed)
                {
                    response.StatusCode = 503;
                    await response.WriteAsync("DRAINING\n");
                    return;
                }

                await response.WriteAsync("LIVE\n");
                return;
            case "/quitquitquit" when HttpMethods.IsPost(context.Request.Method):
                await response.WriteAsync("OK\n");
                await response.CompleteAsync();
                host.RequestStop();
                return;
            case "/reload" when HttpMethods.IsPost(context.Request.Method):
                var reload = await host.Reloader.ReloadAsync(context.RequestAborted);
                response.StatusCode = reload.Success ? 200 : 400;
                await response.WriteAsync(reload.Success ? "OK\n" : reload.Message + "\n");
                return;
            default:
                response.StatusCode = 404;
                await response.WriteAsync(new StringBuilder("invalid path. admin commands are:\n")
                    .Append("  /: Admin home page\n  /quitquitquit (POST): exit the server\n  /ready: print server state, return 200 if LIVE, otherwise return 503\n").ToString());
                return;
        }
    }
}
