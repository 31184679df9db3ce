namespace Gateway.Tests.Wire;

/// <summary>One HTTP/1 response as it came over the socket.</summary>
public sealed record RawResponse(string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public int Status => int.Parse(StatusLine.Split(' ')[1]);

    /// <summary>The first value of <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public override string ToString() => StatusLine + "\n" + string.Join("\n", Headers.Select(h => h.Key + ": " + h.Value)) + "\n\n" + Body;
}
