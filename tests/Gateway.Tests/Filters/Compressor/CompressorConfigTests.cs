using Gateway.Filters.Compression;
using Gateway.Filters.Compressor;

namespace Gateway.Tests.Filters.Compressor;

/// <summary>Compressor typed_config and CompressorPerRoute parsing, with Envoy's defaults and error messages.</summary>
public sealed class CompressorConfigTests
{
    private static string Filter(string body) => $$"""
        - name: envoy.filters.http.compressor
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor
        {{Support.EnvoyYaml.Indent(body, 4)}}
        """;

    private const string Gzip = """
        compressor_library:
          name: text_optimized
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip
            memory_level: 3
            window_bits: 10
            compression_level: BEST_COMPRESSION
            compression_strategy: DEFAULT_STRATEGY
        """;

    [Fact]
    public void Defaults_are_envoys_min_length_30_and_the_default_content_types()
    {
        var settings = FilterTestSupport.SettingsOf<CompressorSettings>(Filter(Gzip));
        Assert.Equal("text_optimized", settings.Library.Name);
        Assert.Equal(CompressionAlgorithm.Gzip, settings.Library.Algorithm);
        Assert.Equal(9, settings.Library.Level);
        Assert.Equal(30, settings.Response.MinContentLength);
        Assert.Contains("application/json", settings.Response.ContentTypes);
        Assert.Contains("application/grpc-web+proto", settings.Response.ContentTypes);
        Assert.True(settings.Response.Enabled.Default);
        Assert.Null(settings.Request);
        Assert.False(settings.ResponseStatsUnderResponse);
    }

    [Fact]
    public void Response_direction_config_replaces_the_deprecated_fields()
    {
        var settings = FilterTestSupport.SettingsOf<CompressorSettings>(Filter(Gzip + """

            content_length: 5
            response_direction_config:
              common_config:
                min_content_length: 100
                content_type: [ "text/html" ]
                enabled: { default_value: false, runtime_key: compression_enabled }
              disable_on_etag_header: true
              remove_accept_encoding_header: true
            request_direction_config:
              common_config: { min_content_length: 10 }
            """));
        Assert.Equal(100, settings.Response.MinContentLength);
        Assert.Equal(["text/html"], settings.Response.ContentTypes);
        Assert.False(settings.Response.Enabled.Default);
        Assert.Equal("compression_enabled", settings.Response.Enabled.RuntimeKey);
        Assert.True(settings.DisableOnEtagHeader);
        Assert.True(settings.RemoveAcceptEncodingHeader);
        Assert.True(settings.ResponseStatsUnderResponse);
        Assert.Equal(10, settings.Request!.MinContentLength);
    }

    [Fact]
    public void Brotli_and_zstd_libraries_are_read()
    {
        var brotli = FilterTestSupport.SettingsOf<CompressorSettings>(Filter("""
            compressor_library:
              name: br
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.compression.brotli.compressor.v3.Brotli
                quality: 5
                window_bits: 20
            """));
        Assert.Equal(("br", 5), (brotli.Library.ContentEncoding, brotli.Library.Level));
        var zstd = FilterTestSupport.SettingsOf<CompressorSettings>(Filter("""
            compressor_library:
              name: z
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.compression.zstd.compressor.v3.Zstd
                compression_level: 7
                enable_checksum: true
            """));
        Assert.Equal(("zstd", 7, true), (zstd.Library.ContentEncoding, zstd.Library.Level, zstd.Library.ZstdChecksum));
    }

    [Fact]
    public void A_missing_library_is_refused_with_the_types_to_use()
    {
        var error = FilterTestSupport.LoadError(Filter("choose_first: true"));
        Assert.Contains("compressor_library is required", error);
        Assert.Contains("envoy.extensions.compression.gzip.compressor.v3.Gzip", error);
    }

    [Fact]
    public void A_decompressor_library_in_a_compressor_is_refused()
    {
        var error = FilterTestSupport.LoadError(Filter("""
            compressor_library:
              name: x
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.compression.gzip.decompressor.v3.Gzip
            """));
        Assert.Contains("is not a compressor library this gateway has", error);
    }

    [Fact]
    public void A_bad_gzip_level_names_the_valid_ones()
    {
        var error = FilterTestSupport.LoadError(Filter(Gzip.Replace("BEST_COMPRESSION", "LEVEL_11")));
        Assert.Contains("invalid value 'LEVEL_11'", error);
        Assert.Contains("COMPRESSION_LEVEL_1 .. COMPRESSION_LEVEL_9", error);
        Assert.Contains("compression_level", error);
    }

    [Fact]
    public void Per_route_disabled_must_be_true_and_overrides_enable()
    {
        const string route = """
            - match: { prefix: "/" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.compressor:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.CompressorPerRoute
            """;
        var error = FilterTestSupport.LoadError(Filter(Gzip), route + "\n      disabled: false");
        Assert.Contains("disabled must be true", error);
        error = FilterTestSupport.LoadError(Filter(Gzip), route);
        Assert.Contains("one of disabled or overrides is required", error);

        var loaded = FilterTestSupport.Load(Filter(Gzip), route + "\n      overrides: { response_direction_config: { remove_accept_encoding_header: true } }");
        var perRoute = loaded.Config.Listeners[0].Http.RouteConfig.VirtualHosts[0].Routes[0].TypedPerFilterConfig["envoy.filters.http.compressor"];
        Assert.Equal(new CompressorPerRouteSettings(true, true), perRoute.Settings);
    }
}
