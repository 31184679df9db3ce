namespace Gateway.Tests.Support;

/// <summary>
/// On a test class or method: its gateways run in-process even when GATEWAY_TEST_BINARY asks for the
/// published binary, because the test reaches into the host (<see cref="TestGateway.Host"/>: state,
/// reloader, services) or expects the host's own exception type from a failed start. The reason says which.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class InProcessGatewayAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
