namespace Gateway.Filters.Decompressor;

/// <summary>Decompressor.CommonDirectionConfig: enabled (default true) and ignore_no_transform_header.</summary>
public sealed record DecompressorDirectionConfig(bool Enabled, bool IgnoreNoTransformHeader);
