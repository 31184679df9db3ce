using Yarp.ReverseProxy.Configuration;

// Minimal YARP reverse proxy: every path to one upstream. Listen address and upstream come from the
// command line so the bench harness can pick free ports:
//   dotnet PlainYarp.dll --urls http://127.0.0.1:PORT --upstream http://127.0.0.1:UPSTREAM_PORT/
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
// Experiment switch, off by default: `--logging console` adds a console logger at Warning, as any app
// with logging on has. ASP.NET Core then starts an Activity and a log scope per request (its hosting
// diagnostics check IsEnabled(Critical)), which shows what that costs a YARP proxy.
if (builder.Configuration["logging"] == "console")
{
    builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
}

var upstream = builder.Configuration["upstream"] ?? "http://127.0.0.1:8000/";
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = upstream } } }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
