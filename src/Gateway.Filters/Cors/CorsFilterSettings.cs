namespace Gateway.Filters.Cors;

/// <summary>envoy.extensions.filters.http.cors.v3.Cors has no fields: the policies are per route.</summary>
public sealed record CorsFilterSettings(string FilterName);
