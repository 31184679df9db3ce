namespace Gateway.Stats;

/// <summary>Envoy's stat types as /stats/prometheus declares them in <c># TYPE</c> lines.</summary>
public enum StatKind
{
    Counter,
    Gauge,
}
