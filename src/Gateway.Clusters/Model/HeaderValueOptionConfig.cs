namespace Gateway.Clusters.Model;

/// <summary>A header to add, with Envoy's append semantics.</summary>
public sealed record HeaderValueOptionConfig(string Key, string Value, HeaderAppendAction Action, bool KeepEmptyValue);
