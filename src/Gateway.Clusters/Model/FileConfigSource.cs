namespace Gateway.Clusters.Model;

/// <summary>A ConfigSource that names a file (path_config_source, or the deprecated path).</summary>
/// <param name="Path">The DiscoveryResponse file.</param>
/// <param name="WatchedDirectory">watched_directory.path: a change there reloads the file (Envoy's symlink-swap pattern); null: none.</param>
public sealed record FileConfigSource(string Path, string? WatchedDirectory);
