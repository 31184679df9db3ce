using System.Collections.Concurrent;
using Gateway.Filters.Grpc.Envoy.Auth;
using Grpc.Core;

namespace Gateway.Tests.Filters.ExtAuthz;

/// <summary>The gRPC authorization peer: answers Check with whatever the test's <see cref="Decide"/> returns, and records the requests.</summary>
internal sealed class TestAuthorizationService : Authorization.AuthorizationBase
{
    public Func<CheckRequest, Task<CheckResponse>> Decide { get; set; } = _ => Task.FromResult(new CheckResponse { Status = new() { Code = 0 } });

    public ConcurrentQueue<CheckRequest> Requests { get; } = new();

    public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        return Decide(request);
    }
}
