using System.Net;
using Gateway.Filters.Buffer;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Buffer;

/// <summary>envoy.filters.http.buffer: whole bodies up to max_request_bytes, 413 beyond, per-route disable and limits.</summary>
public sealed class BufferFilterTests
{
    private const string Filter = """
        - name: envoy.filters.http.buffer
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer
            max_request_bytes: 1024
        """;

    private const string Routes = """
        - match: { prefix: "/stream" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.buffer:
              "@type": type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute
              disabled: true
        - match: { prefix: "/big" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.buffer:
              "@type": type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute
              buffer: { max_request_bytes: 100000 }
        - match: { prefix: "/" }
          route: { cluster: backend }
        """;

    /// <summary>Answers "length=N; cl=content-length header" for what arrived.</summary>
    private static Task<TinyUpstream> StartUpstreamAsync() => TinyUpstream.StartAsync(async ctx =>
    {
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body);
        await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, $"length={body.Length}; cl={ctx.Request.ContentLength?.ToString() ?? "none"}");
    });

    /// <summary>A body sent chunked (no content-length), so the filter must add it.</summary>
    private static HttpContent Chunked(int length)
    {
        var content = new StreamContent(new MemoryStream(new byte[length]));
        return content;
    }

    private static HttpRequestMessage Post(string path, int length)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Chunked(length) };
        request.Headers.TransferEncodingChunked = true;
        return request;
    }

    [Fact]
    public async Task Buffers_the_body_and_forwards_it_with_its_length_and_refuses_more_than_max_request_bytes()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        using (var small = await gateway.Client.SendAsync(Post("/a", 1000)))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            Assert.Equal("length=1000; cl=1000", await small.Content.ReadAsStringAsync());
        }

        using var large = await gateway.Client.SendAsync(Post("/a", 5000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal("Payload Too Large", await large.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Per_route_disabled_streams_and_per_route_buffer_has_its_own_limit()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        using (var streamed = await gateway.Client.SendAsync(Post("/stream", 5000)))
        {
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Equal("length=5000; cl=none", await streamed.Content.ReadAsStringAsync());
        }

        using (var big = await gateway.Client.SendAsync(Post("/big", 50_000)))
        {
            Assert.Equal("length=50000; cl=50000", await big.Content.ReadAsStringAsync());
        }

        using var tooBig = await gateway.Client.SendAsync(Post("/big", 200_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
    }

    [Fact]
    public void Config_requires_max_request_bytes_and_one_per_route_choice()
    {
        Assert.Equal(new BufferSettings(1024), FilterTestSupport.SettingsOf<BufferSettings>(Filter));
        var error = FilterTestSupport.LoadError(Filter.Replace("    max_request_bytes: 1024", ""));
        Assert.Contains("max_request_bytes is required", error);

        const string perRoute = """
            - match: { prefix: "/" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.buffer:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute
            """;
        Assert.Contains("one of disabled or buffer is required", FilterTestSupport.LoadError(Filter, perRoute));
        Assert.Contains("not both", FilterTestSupport.LoadError(Filter, perRoute + "\n      disabled: true\n      buffer: { max_request_bytes: 5 }"));
    }
}
