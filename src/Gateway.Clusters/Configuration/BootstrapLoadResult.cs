using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>A loaded config and the warnings (ignored unsupported fields among them) to log once.</summary>
public sealed record BootstrapLoadResult(BootstrapConfig Config, IReadOnlyList<ConfigDiagnostic> Warnings)
{
    /// <summary>Inert fields found (accepted, no effect here), one per message type and field, to log at debug.</summary>
    public IReadOnlyList<ConfigDiagnostic> Ignored { get; init; } = [];
}
