namespace Gateway.Tests.Wire;

/// <summary>
/// The http2.* flood counters are process-wide (as Envoy's codec stats): the test classes that trip
/// them run one after the other, so each can assert its own increment.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Http2FloodStats
{
    public const string Name = "http2 flood stats";
}
