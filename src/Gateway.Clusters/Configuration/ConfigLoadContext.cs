namespace Gateway.Clusters.Configuration;

/// <summary>
/// Collects findings while one config file is read. Loading goes on after an error so that all
/// problems are reported together; <see cref="ThrowIfFailed"/> ends the load.
/// </summary>
public sealed class ConfigLoadContext
{
    private readonly List<ConfigDiagnostic> _diagnostics = new();
    private readonly HashSet<string> _inertSeen = new(StringComparer.Ordinal);

    public ConfigLoadContext(string file, bool ignoreUnsupported)
    {
        File = file;
        IgnoreUnsupported = ignoreUnsupported;
    }

    /// <summary>The file name as the user gave it, used in every message.</summary>
    public string File { get; }

    public bool IgnoreUnsupported { get; }

    public IReadOnlyList<ConfigDiagnostic> Diagnostics => _diagnostics;

    public bool HasErrors => _diagnostics.Any(d =>
        d.Kind == ConfigDiagnosticKind.Error ||
        (d.Kind == ConfigDiagnosticKind.Unsupported && !IgnoreUnsupported));

    public void Error(string yamlPath, YamlMark mark, string message) =>
        Add(ConfigDiagnosticKind.Error, yamlPath, mark, message);

    public void Unsupported(string yamlPath, YamlMark mark, string message) =>
        Add(ConfigDiagnosticKind.Unsupported, yamlPath, mark, message);

    public void Warning(string yamlPath, YamlMark mark, string message) =>
        Add(ConfigDiagnosticKind.Warning, yamlPath, mark, message);

    /// <summary>
    /// Notes an inert field (accepted, no effect here), once per message type and field however often
    /// the file sets it, so the debug log says it once.
    /// </summary>
    public void Inert(string messageType, string field, string yamlPath, YamlMark mark, string message)
    {
        if (_inertSeen.Add(messageType + "." + field))
        {
            Add(ConfigDiagnosticKind.Inert, yamlPath, mark, message);
        }
    }

    /// <summary>Files this load read besides the one it is named after (path_config_source files): a change in any reloads.</summary>
    public List<string> ReferencedFiles { get; } = [];

    /// <summary>The DiscoveryResponse files read, for /config_dump's dynamic sections.</summary>
    public List<Model.DynamicResourceFile> DynamicFiles { get; } = [];

    /// <summary>Takes in what the load of a file this one refers to found (each finding names its own file).</summary>
    public void Include(ConfigLoadContext other)
    {
        _diagnostics.AddRange(other._diagnostics);
        ReferencedFiles.AddRange(other.ReferencedFiles);
        DynamicFiles.AddRange(other.DynamicFiles);
    }

    private void Add(ConfigDiagnosticKind kind, string yamlPath, YamlMark mark, string message) =>
        _diagnostics.Add(new ConfigDiagnostic(kind, File, yamlPath, mark.Line, mark.Column, message));

    public void ThrowIfFailed()
    {
        if (HasErrors)
        {
            // Reported in file order, whatever order the loader read the sections in.
            throw new ConfigException(_diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToArray());
        }
    }
}
