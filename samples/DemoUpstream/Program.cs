// Standalone demo upstream: `dotnet run --project samples/DemoUpstream [--urls URL[;URL]]`.
// Precedence: --urls, then DEMO_UPSTREAM_URLS, then http://127.0.0.1:8000.
using DemoUpstream;

var urls = UrlFromArgs(args)
    ?? NullIfBlank(Environment.GetEnvironmentVariable("DEMO_UPSTREAM_URLS"))
    ?? DemoUpstreamServer.DefaultUrl;

DemoUpstreamHandle handle;
try
{
    handle = await DemoUpstreamServer.StartAsync(urls);
}
catch (Exception ex) when (ex is IOException or InvalidOperationException or UriFormatException or FormatException)
{
    // Typically "address already in use" or a malformed URL: one line, no stack trace.
    Console.Error.WriteLine($"demo upstream failed to start on {urls}: {ex.Message}");
    return 1;
}

await using (handle)
{
    // Scripts wait for this exact line before sending traffic.
    Console.WriteLine("demo upstream listening on " +
        string.Join(", ", handle.Addresses.Select(a => a.GetLeftPart(UriPartial.Authority))));
    await handle.WaitForShutdownAsync();
}

return 0;

static string? UrlFromArgs(string[] args)
{
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == "--urls" && i + 1 < args.Length)
        {
            return NullIfBlank(args[i + 1]);
        }

        if (args[i].StartsWith("--urls=", StringComparison.Ordinal))
        {
            return NullIfBlank(args[i]["--urls=".Length..]);
        }
    }

    return null;
}

static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
