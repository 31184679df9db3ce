using Gateway.Clusters.Model;

namespace Gateway.Filters.Headers;

/// <summary>A HeaderValueOption ready to apply: its config and, when the value holds command operators, its compiled formatter.</summary>
public sealed record HeaderValueOption(HeaderValueOptionConfig Config, HeaderValueFormatter? Formatter);
