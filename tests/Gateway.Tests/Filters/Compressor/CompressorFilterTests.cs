using System.IO.Compression;
using System.Net;
using System.Text;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters.Compressor;

/// <summary>envoy.filters.http.compressor over real sockets: gzip, brotli and zstd responses that inflate to the upstream's body, and Envoy's rules for when not to compress.</summary>
public sealed class CompressorFilterTests
{
    private static readonly string Text = string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i} of a compressible text body\n"));

    private static string Library(string name, string type, string extra = "") => $$"""
        - name: compressor_{{name}}
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor
            compressor_library:
              name: {{name}}
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.compression.{{type}}
        {{EnvoyYaml.Indent(extra, 4)}}
        """;

    private static readonly string AllThree =
        Library("gzip", "gzip.compressor.v3.Gzip") + "\n" +
        Library("brotli", "brotli.compressor.v3.Brotli") + "\n" +
        Library("zstd", "zstd.compressor.v3.Zstd");

    private const string Routes = """
        - match: { prefix: "/plain" }
          route: { cluster: backend }
          typed_per_filter_config:
            compressor_gzip:
              "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.CompressorPerRoute
              disabled: true
        - match: { prefix: "/" }
          route: { cluster: backend }
        """;

    /// <summary>An upstream answering text/plain <see cref="Text"/>; ?etag=, ?cc=, ?type=, ?small, ?stream=N (N chunks, no content-length), ?encoded.</summary>
    private static Task<TinyUpstream> StartUpstreamAsync(Action<HttpRequest>? seen = null) => TinyUpstream.StartAsync(async ctx =>
    {
        seen?.Invoke(ctx.Request);
        var query = ctx.Request.Query;
        ctx.Response.ContentType = query.TryGetValue("type", out var type) ? type.ToString() : "text/plain";
        if (query.TryGetValue("etag", out var etag))
        {
            ctx.Response.Headers.ETag = etag.ToString();
        }

        if (query.TryGetValue("cc", out var cc))
        {
            ctx.Response.Headers.CacheControl = cc.ToString();
        }

        if (query.ContainsKey("encoded"))
        {
            ctx.Response.Headers.ContentEncoding = "identity";
        }

        if (query.TryGetValue("stream", out var chunks))
        {
            var chunk = Encoding.UTF8.GetBytes(Text);
            for (var i = 0; i < int.Parse(chunks.ToString()); i++)
            {
                await ctx.Response.Body.WriteAsync(chunk);
                await ctx.Response.Body.FlushAsync();
            }

            return;
        }

        var body = Encoding.UTF8.GetBytes(query.ContainsKey("small") ? "tiny" : Text);
        ctx.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(ctx.Request.Method))
        {
            await ctx.Response.Body.WriteAsync(body);
        }
    });

    private static async Task<HttpResponseMessage> GetAsync(TestGateway gateway, string path, string? acceptEncoding, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("accept-encoding", acceptEncoding);
        }

        return await gateway.Client.SendAsync(request);
    }

    private static byte[] Inflate(string? encoding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            "zstd" => new ZstdSharp.DecompressionStream(input),
            _ => throw new InvalidOperationException($"unexpected content-encoding '{encoding}'"),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static string? Header(HttpResponseMessage response, string name) => FilterTestSupport.Header(response, name);

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("br", "br")]
    [InlineData("zstd", "zstd")]
    [InlineData("gzip;q=0.5, br;q=0.8, zstd;q=0.1", "br")]
    [InlineData("zstd;q=1, gzip;q=0.9", "zstd")]
    [InlineData("*", "gzip")]
    [InlineData("br;q=0, *", "gzip")]
    public async Task Compresses_with_the_coding_the_client_prefers_and_the_body_inflates_to_the_original(string accept, string expected)
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(AllThree, upstream.Port, Routes));

        using var response = await GetAsync(gateway, "/text", accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Header(response, "content-encoding"));
        Assert.Equal("accept-encoding", Header(response, "vary"));
        // The client buffered the body, so its ContentLength is computed: the wire had chunked instead of content-length.
        Assert.True(response.Headers.TransferEncodingChunked);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length < Text.Length / 4, $"compressed {body.Length} bytes");
        Assert.Equal(Text, Encoding.UTF8.GetString(Inflate(expected, body)));
    }

    [Fact]
    public async Task Stats_count_what_was_compressed_and_how_accept_encoding_decided()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(AllThree, upstream.Port, Routes));

        (await GetAsync(gateway, "/a", "br")).Dispose();
        (await GetAsync(gateway, "/a", null)).Dispose();
        (await GetAsync(gateway, "/a", "identity")).Dispose();
        (await GetAsync(gateway, "/a?small", "gzip")).Dispose();
        (await GetAsync(gateway, "/a", "*")).Dispose();
        var stats = await gateway.StatsAsync();
        const string gzip = "http.ingress_http.compressor.gzip.gzip.";
        const string brotli = "http.ingress_http.compressor.brotli.brotli.";
        Assert.Equal(1, stats[brotli + "compressed"]);
        Assert.Equal(1, stats[brotli + "header_compressor_used"]);
        Assert.Equal(1, stats[gzip + "header_compressor_overshadowed"]);
        Assert.Equal(1, stats[gzip + "no_accept_header"]);
        Assert.Equal(1, stats[gzip + "header_identity"]);
        Assert.Equal(1, stats[gzip + "content_length_too_small"]);
        Assert.Equal(1, stats[gzip + "header_wildcard"]);
        Assert.Equal(1, stats[gzip + "compressed"]);
        Assert.Equal(4, stats[gzip + "not_compressed"]);
        Assert.Equal(Text.Length, stats[brotli + "total_uncompressed_bytes"]);
        Assert.InRange(stats[brotli + "total_compressed_bytes"], 1, Text.Length / 4);
    }

    [Theory]
    [InlineData("/a?small")] // below min_content_length 30: vary is not added either
    [InlineData("/a?type=image/png")] // content type not in the default list
    [InlineData("/a?cc=public,%20no-transform")]
    [InlineData("/a?encoded")] // already has a content-encoding
    [InlineData("/plain/a")] // CompressorPerRoute disabled for the only compressor
    public async Task Leaves_the_response_alone_where_envoy_does(string path)
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Library("gzip", "gzip.compressor.v3.Gzip"), upstream.Port, Routes));

        using var response = await GetAsync(gateway, path, "gzip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("gzip", Header(response, "content-encoding"));
        Assert.Null(Header(response, "vary"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(path.Contains("small") ? "tiny" : Text, body);
    }

    [Fact]
    public async Task Head_and_missing_accept_encoding_are_not_compressed_but_vary_is_added()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Library("gzip", "gzip.compressor.v3.Gzip"), upstream.Port, Routes));

        using var head = await GetAsync(gateway, "/a", "gzip", HttpMethod.Head);
        Assert.Null(Header(head, "content-encoding"));
        Assert.Equal(Text.Length, head.Content.Headers.ContentLength);

        using var none = await GetAsync(gateway, "/a", null);
        Assert.Null(Header(none, "content-encoding"));
        Assert.Equal("accept-encoding", Header(none, "vary"));
        Assert.Equal(Text, await none.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Strong_etags_are_dropped_and_weak_ones_kept_unless_disable_on_etag_header()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Library("gzip", "gzip.compressor.v3.Gzip"), upstream.Port, Routes));

        using (var strong = await GetAsync(gateway, "/a?etag=%22v1%22", "gzip"))
        {
            Assert.Equal("gzip", Header(strong, "content-encoding"));
            Assert.Null(Header(strong, "etag"));
        }

        using (var weak = await GetAsync(gateway, "/a?etag=W/%22v1%22", "gzip"))
        {
            Assert.Equal("gzip", Header(weak, "content-encoding"));
            Assert.Equal("W/\"v1\"", Header(weak, "etag"));
        }

        await using var strict = await TestGateway.StartAsync(FilterTestSupport.Yaml(
            Library("gzip", "gzip.compressor.v3.Gzip", "response_direction_config: { disable_on_etag_header: true }"), upstream.Port, Routes));
        using var kept = await GetAsync(strict, "/a?etag=%22v1%22", "gzip");
        Assert.Null(Header(kept, "content-encoding"));
        Assert.Equal("\"v1\"", Header(kept, "etag"));
        Assert.Equal(1, (await strict.StatsAsync())["http.ingress_http.compressor.gzip.gzip.not_compressed_etag"]);
    }

    [Fact]
    public async Task Remove_accept_encoding_header_hides_it_from_the_upstream_and_a_route_override_can_turn_it_on()
    {
        string? seenAccept = "unset";
        await using var upstream = await StartUpstreamAsync(r => seenAccept = r.Headers.AcceptEncoding.ToString());
        const string routes = """
            - match: { prefix: "/strip" }
              route: { cluster: backend }
              typed_per_filter_config:
                compressor_gzip:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.CompressorPerRoute
                  overrides: { response_direction_config: { remove_accept_encoding_header: true } }
            - match: { prefix: "/" }
              route: { cluster: backend }
            """;
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Library("gzip", "gzip.compressor.v3.Gzip"), upstream.Port, routes));

        using (var kept = await GetAsync(gateway, "/a", "gzip"))
        {
            Assert.Equal("gzip", seenAccept);
        }

        using var stripped = await GetAsync(gateway, "/strip", "gzip");
        Assert.Equal("", seenAccept);
        Assert.Equal("gzip", Header(stripped, "content-encoding"));
        Assert.Equal(Text, Encoding.UTF8.GetString(Inflate("gzip", await stripped.Content.ReadAsByteArrayAsync())));
    }

    [Fact]
    public async Task A_large_streamed_body_is_compressed_chunk_by_chunk_past_the_buffer_limit()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Library("gzip", "gzip.compressor.v3.Gzip"), upstream.Port, Routes));

        // 1000 chunks of ~14 KB: 14 MB, well past the 1 MiB a buffering filter could hold.
        using var response = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/a?stream=1000") { Headers = { { "accept-encoding", "gzip" } } }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("gzip", Header(response, "content-encoding"));
        await using var inflating = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(inflating);
        long length = 0;
        var expected = Text.Length * 1000L;
        var buffer = new char[64 * 1024];
        int read;
        var firstChunk = "";
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (firstChunk.Length == 0)
            {
                firstChunk = new string(buffer, 0, Math.Min(read, 40));
            }

            length += read;
        }

        Assert.Equal(expected, length);
        Assert.StartsWith("line 0 of a compressible", firstChunk);
    }

    [Fact]
    public async Task Request_compression_runs_only_with_request_direction_config()
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
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(
            Library("gzip", "gzip.compressor.v3.Gzip", "request_direction_config: {}"), upstream.Port));

        using var response = await gateway.Client.PostAsync("/up", new StringContent(Text, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", encoding);
        Assert.Equal(Text, Encoding.UTF8.GetString(Inflate("gzip", received!)));
        Assert.Equal(1, (await gateway.StatsAsync())["http.ingress_http.compressor.gzip.gzip.request.compressed"]);
    }
}
