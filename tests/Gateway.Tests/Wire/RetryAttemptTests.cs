using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Wire;

/// <summary>Virtual-host retry_policy and x-envoy-attempt-count, as Envoy's router sends them.</summary>
public class RetryAttemptTests
{
    [Fact]
    public async Task VirtualHostRetryPolicyRetriesAndAttemptCountsAreSent()
    {
        var calls = 0;
        var seenAttempts = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var upstream = await TinyUpstream.StartAsync(context =>
        {
            seenAttempts.Enqueue(context.Request.Headers["x-envoy-attempt-count"].ToString());
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: up }
            """,
            EnvoyYaml.StaticCluster("up", upstream.Port),
            vhostExtra: """
            retry_policy: { retry_on: 5xx, num_retries: 2 }
            include_request_attempt_count: true
            include_attempt_count_in_response: true
            """);
        await using var gateway = await TestGateway.StartAsync(yaml);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("2", response.Header("x-envoy-attempt-count"));
        Assert.Equal(["1", "2"], seenAttempts.ToArray());
    }
}
