namespace Gateway.Clusters.Configuration;

/// <summary>
/// A config that cannot be served. Carries every finding, not just the first, so one run of
/// <c>--mode validate</c> tells the user everything to fix.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigDiagnostic> diagnostics)
        : base(Render(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    private static string Render(IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        var unsupported = diagnostics.Count(d => d.Kind == ConfigDiagnosticKind.Unsupported);
        var lines = string.Join(Environment.NewLine, diagnostics.Where(d => d.Kind is not ConfigDiagnosticKind.Warning and not ConfigDiagnosticKind.Inert));
        return unsupported > 0
            ? lines + Environment.NewLine +
              $"{unsupported} field(s) above are valid Envoy config that this gateway does not implement yet; " +
              "remove them, or pass --ignore-unsupported to start anyway (each is then logged as a warning)."
            : lines;
    }
}
