using System.Collections.Concurrent;
using Gateway.Filters.Grpc.Envoy.RateLimit;
using Grpc.Core;

namespace Gateway.Tests.Filters.RateLimit;

/// <summary>The gRPC rate limit peer: answers ShouldRateLimit with what <see cref="Decide"/> returns, and records the requests.</summary>
internal sealed class TestRateLimitService : RateLimitService.RateLimitServiceBase
{
    public Func<RateLimitRequest, Task<RateLimitResponse>> Decide { get; set; } =
        _ => Task.FromResult(new RateLimitResponse { OverallCode = RateLimitResponse.Types.Code.Ok });

    public ConcurrentQueue<RateLimitRequest> Requests { get; } = new();

    public override Task<RateLimitResponse> ShouldRateLimit(RateLimitRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        return Decide(request);
    }
}
