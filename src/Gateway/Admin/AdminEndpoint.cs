using Microsoft.AspNetCore.Http;

namespace Gateway.Admin;

/// <summary>
/// One admin command: its exact path, Envoy's help text and parameter descriptions, and whether it
/// changes server state (then only POST is accepted, as in Envoy).
/// </summary>
public sealed record AdminEndpoint(
    string Path,
    string Help,
    bool MutatesState,
    IReadOnlyList<(string Name, string Help)> Parameters,
    Func<HttpContext, Task> Handle);
