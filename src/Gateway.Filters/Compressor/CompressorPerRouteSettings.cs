namespace Gateway.Filters.Compressor;

/// <summary>envoy.extensions.filters.http.compressor.v3.CompressorPerRoute: null fields keep the filter's value.</summary>
/// <param name="ResponseCompressionEnabled">False for <c>disabled: true</c>; true when overrides.response_direction_config is present.</param>
public sealed record CompressorPerRouteSettings(bool? ResponseCompressionEnabled, bool? RemoveAcceptEncodingHeader);
