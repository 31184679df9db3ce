using System.IO.Compression;
using System.Net;
using System.Text;
using Gateway.Filters.Compression;
using Gateway.Filters.Decompressor;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Decompressor;

/// <summary>envoy.filters.http.decompressor: compressed request and response bodies arrive inflated, with the coding removed and accept-encoding advertised.</summary>
public sealed class DecompressorFilterTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"row {i}\n")));

    private static string Filter(string type = "gzip.decompressor.v3.Gzip", string extra = "") => $$"""
        - name: envoy.filters.http.decompressor
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.decompressor.v3.Decompressor
            decompressor_library:
              name: upstream
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.compression.{{type}}
        {{EnvoyYaml.Indent(extra, 4)}}
        """;

    private static byte[] Compress(string coding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => new ZstdSharp.CompressionStream(output, 3, leaveOpen: true),
        })
        {
            encoder.Write(data);
        }

        return output.ToArray();
    }

    [Theory]
    [InlineData("gzip.decompressor.v3.Gzip", "gzip", "gzip")]
    [InlineData("brotli.decompressor.v3.Brotli", "br", "brotli")]
    [InlineData("zstd.decompressor.v3.Zstd", "zstd", "zstd")]
    public async Task A_compressed_response_reaches_the_client_inflated_and_the_request_advertises_the_coding(string type, string coding, string statName)
    {
        string? accept = null;
        await using var upstream = await TinyUpstream.StartAsync(async ctx =>
        {
            accept = ctx.Request.Headers.AcceptEncoding.ToString();
            var body = Compress(coding, Text);
            ctx.Response.Headers.ContentEncoding = coding;
            ctx.Response.ContentLength = body.Length;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.Body.WriteAsync(body);
        });
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter(type), upstream.Port));

        using var response = await gateway.Client.PostAsync("/x", new StringContent("ping"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(FilterTestSupport.Header(response, "content-encoding"));
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(Text, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(coding, accept);
        var stats = await gateway.StatsAsync();
        var prefix = $"http.ingress_http.decompressor.upstream.{statName}.";
        Assert.Equal(1, stats[prefix + "response.decompressed"]);
        Assert.Equal(1, stats[prefix + "request.not_decompressed"]);
        Assert.Equal(Text.Length, stats[prefix + "response.total_uncompressed_bytes"]);
    }

    [Fact]
    public async Task A_gzip_request_body_reaches_the_upstream_inflated_without_its_coding()
    {
        byte[]? received = null;
        string? encoding = null;
        await using var upstream = await TinyUpstream.StartAsync(async ctx =>
        {
            encoding = ctx.Request.Headers.ContentEncoding.ToString();
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            received = buffer.ToArray();
        });
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter(), upstream.Port));

        var content = new ByteArrayContent(Compress("gzip", Text));
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await gateway.Client.PostAsync("/up", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", encoding);
        Assert.Equal(Text, received);
    }

    [Fact]
    public async Task No_transform_and_other_codings_pass_untouched()
    {
        await using var upstream = await TinyUpstream.StartAsync(async ctx =>
        {
            ctx.Response.Headers.ContentEncoding = ctx.Request.Query["coding"].ToString();
            if (ctx.Request.Query.ContainsKey("nt"))
            {
                ctx.Response.Headers.CacheControl = "no-transform";
            }

            await ctx.Response.Body.WriteAsync(Compress("gzip", Text));
        });
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter(), upstream.Port));

        using var noTransform = await gateway.Client.GetAsync("/x?coding=gzip&nt");
        Assert.Equal("gzip", FilterTestSupport.Header(noTransform, "content-encoding"));
        Assert.Equal(Compress("gzip", Text).Length, (await noTransform.Content.ReadAsByteArrayAsync()).Length);

        using var other = await gateway.Client.GetAsync("/x?coding=br");
        Assert.Equal("br", FilterTestSupport.Header(other, "content-encoding"));
    }

    [Fact]
    public void Config_reads_directions_and_refuses_a_compressor_library()
    {
        var settings = FilterTestSupport.SettingsOf<DecompressorSettings>(Filter(extra: """
            request_direction_config:
              common_config: { enabled: { default_value: false, runtime_key: x } }
              advertise_accept_encoding: false
            response_direction_config:
              common_config: { ignore_no_transform_header: true }
            """));
        Assert.Equal(CompressionAlgorithm.Gzip, settings.Library.Algorithm);
        Assert.False(settings.Request.Enabled.Default);
        Assert.False(settings.AdvertiseAcceptEncoding);
        Assert.True(settings.Response.IgnoreNoTransformHeader);

        var error = FilterTestSupport.LoadError(Filter("gzip.compressor.v3.Gzip"));
        Assert.Contains("is not a decompressor library this gateway has", error);
        Assert.Contains("envoy.extensions.compression.gzip.decompressor.v3.Gzip", error);

        error = FilterTestSupport.LoadError(Filter().Replace("decompressor_library", "library"));
        Assert.Contains("decompressor_library is required", error);
    }
}
