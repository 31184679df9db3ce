namespace Gateway.Clusters.Configuration;

/// <summary>How serious a finding in envoy.yaml is.</summary>
public enum ConfigDiagnosticKind
{
    /// <summary>The config is wrong (bad value, unknown field, dangling reference): never loads.</summary>
    Error,

    /// <summary>A field Envoy has that this gateway does not implement: refused unless --ignore-unsupported.</summary>
    Unsupported,

    /// <summary>Worth telling the user, but the config is served as written.</summary>
    Warning,

    /// <summary>A field Envoy has that changes nothing a client of this gateway could observe: accepted, logged at debug.</summary>
    Inert,
}

/// <summary>
/// One finding in a config file, located by file, YAML path and line:column so the user can go
/// straight to it. Rendered as <c>file:line:col: path: message</c>, the shape editors and CI logs link.
/// </summary>
public sealed record ConfigDiagnostic(
    ConfigDiagnosticKind Kind,
    string File,
    string YamlPath,
    int Line,
    int Column,
    string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var prefix = Kind switch
        {
            ConfigDiagnosticKind.Unsupported => "unsupported: ",
            ConfigDiagnosticKind.Warning => "warning: ",
            ConfigDiagnosticKind.Inert => "ignored: ",
            _ => "error: ",
        };
        return string.IsNullOrEmpty(YamlPath)
            ? $"{where}: {prefix}{Message}"
            : $"{where}: {prefix}{YamlPath}: {Message}";
    }
}
