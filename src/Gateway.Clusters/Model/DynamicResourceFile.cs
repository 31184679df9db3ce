namespace Gateway.Clusters.Model;

/// <summary>A DiscoveryResponse file the config was read from (LDS or CDS), for /config_dump and for reloads.</summary>
/// <param name="Path">The file.</param>
/// <param name="Kind">"listener" or "cluster": what its resources are.</param>
/// <param name="VersionInfo">The response's version_info.</param>
/// <param name="Text">The file's text as loaded.</param>
public sealed record DynamicResourceFile(string Path, string Kind, string VersionInfo, string Text);
