using System.Text.Json;

namespace Gateway.Tests.Packaging;

/// <summary>
/// Runtime settings the JIT build ships in Gateway.runtimeconfig.json (copied beside the tests as a referenced
/// executable's); bench/SESSION5.md has the numbers behind them.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Idle_thread_pool_workers_block_without_spinning_in_the_shipped_build()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Gateway.runtimeconfig.json")));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit),
            "Gateway.runtimeconfig.json has no System.Threading.ThreadPool.UnfairSemaphoreSpinLimit");
        Assert.Equal("0", spinLimit.ToString());
    }
}
