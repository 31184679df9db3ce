using Gateway.Cli;
using Gateway.Tests.Support;

namespace Gateway.Tests.Launch;

/// <summary>Envoy's --admin-address-path: the bound admin address is written to the file once the admin listens.</summary>
public sealed class AdminAddressPathTests
{
    [Fact]
    public void The_flag_is_parsed_not_ignored()
    {
        Assert.True(CommandLineParser.TryParse(["-c", "envoy.yaml", "--admin-address-path", "/tmp/admin.txt"], out var options, out var error), error);
        Assert.Equal("/tmp/admin.txt", options.AdminAddressPath);
        Assert.DoesNotContain(options.IgnoredEnvoyFlags, f => f.StartsWith("--admin-address-path", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_file_holds_the_bound_admin_address()
    {
        var directory = TestGateway.NewDirectory();
        var file = Path.Combine(directory, "admin-address");
        await using var gw = await TestGateway.StartAsync(
            EnvoyYaml.WithRoutes("""
                - match: { prefix: "/" }
                  direct_response: { status: 200 }
                """),
            o => o with { AdminAddressPath = file },
            directory);
        Assert.Equal($"127.0.0.1:{gw.AdminPort}", await File.ReadAllTextAsync(file));
        Assert.Equal("LIVE\n", await gw.Admin.GetStringAsync("/ready"));
    }
}
