using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters.GrpcWeb;

/// <summary>envoy.filters.http.grpc_web over real sockets: an HTTP/1.1 gRPC-Web client, an h2c gRPC upstream with trailers.</summary>
public sealed class GrpcWebFilterTests
{
    private const string Filter = """
        - name: envoy.filters.http.grpc_web
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.grpc_web.v3.GrpcWeb
        """;

    private const string Http2 = """
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
            "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
            explicit_http_config:
              http2_protocol_options: {}
        """;

    private static byte[] Frame(byte flags, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A gRPC echo: answers with the request's message upper-cased, and trailers grpc-status 0 / grpc-message ok. Records what it saw.</summary>
    private sealed class GrpcUpstream : IAsyncDisposable
    {
        private TinyUpstream _upstream = null!;

        public string? ContentType { get; private set; }

        public string? Te { get; private set; }

        public string? Protocol { get; private set; }

        public int Port => _upstream.Port;

        public static async Task<GrpcUpstream> StartAsync()
        {
            var grpc = new GrpcUpstream();
            grpc._upstream = await TinyUpstream.StartAsync(async ctx =>
            {
                grpc.ContentType = ctx.Request.ContentType;
                grpc.Te = ctx.Request.Headers["te"].ToString();
                grpc.Protocol = ctx.Request.Protocol;
                using var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                var request = body.ToArray();
                var message = Encoding.UTF8.GetString(request, 5, request.Length - 5);
                ctx.Response.ContentType = "application/grpc";
                await ctx.Response.Body.WriteAsync(Frame(0, Encoding.UTF8.GetBytes(message.ToUpperInvariant())));
                ctx.Response.AppendTrailer("grpc-status", "0");
                ctx.Response.AppendTrailer("grpc-message", "ok");
            }, http2Only: true);
            return grpc;
        }

        public ValueTask DisposeAsync() => _upstream.DisposeAsync();
    }

    private static string[] TrailerLines(ReadOnlySpan<byte> payload) =>
        Encoding.UTF8.GetString(payload).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();

    private static string Yaml(int port) =>
        EnvoyYaml.WithRoutes("- match: { prefix: \"/\" }\n  route: { cluster: backend }", EnvoyYaml.StaticCluster("backend", port, Http2), httpFilters: Filter);

    [Fact]
    public async Task Binary_grpc_web_reaches_a_grpc_upstream_and_the_trailers_come_back_as_the_last_frame()
    {
        await using var upstream = await GrpcUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));

        var content = new ByteArrayContent(Frame(0, "hello"u8.ToArray()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        using var response = await gateway.Client.PostAsync("/echo.Echo/Say", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", upstream.ContentType);
        Assert.Equal("HTTP/2", upstream.Protocol);
        Assert.Equal("application/grpc-web+proto", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        var data = Frame(0, "HELLO"u8.ToArray());
        Assert.Equal(Convert.ToHexString(data), Convert.ToHexString(body[..data.Length]));
        Assert.Equal(0x80, body[data.Length]);
        Assert.Equal(body.Length - data.Length - 5, (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(data.Length + 1)));
        Assert.Equal(["grpc-message:ok", "grpc-status:0"], TrailerLines(body.AsSpan(data.Length + 5)));
    }

    [Fact]
    public async Task Text_mode_is_base64_both_ways()
    {
        await using var upstream = await GrpcUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));

        var content = new StringContent(Convert.ToBase64String(Frame(0, "quiet words"u8.ToArray())));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web-text");
        var request = new HttpRequestMessage(HttpMethod.Post, "/echo.Echo/Say") { Content = content };
        request.Headers.TryAddWithoutValidation("accept", "application/grpc-web-text");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal("application/grpc-web-text+proto", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var data = Convert.ToBase64String(Frame(0, "QUIET WORDS"u8.ToArray()));
        Assert.StartsWith(data, text);
        var trailer = Convert.FromBase64String(text[data.Length..]);
        Assert.Equal(0x80, trailer[0]);
        Assert.Equal(["grpc-message:ok", "grpc-status:0"], TrailerLines(trailer.AsSpan(5)));
    }

    private static Task<TinyUpstream> StartPlainAsync() => TinyUpstream.StartAsync(async ctx =>
    {
        ctx.Response.StatusCode = 503;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.WriteAsync("down for maintenance");
    });

    [Fact]
    public async Task Invalid_base64_is_answered_with_grpc_status_internal()
    {
        await using var upstream = await GrpcUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));

        var bad = new StringContent("abc");
        bad.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web-text");
        using var response = await gateway.Client.PostAsync("/x", bad);

        // What a gRPC-Web client reads. (Envoy's HTTP status here is 400; the contract's local reply writer
        // takes application/grpc-web for gRPC and answers 200 with the same grpc-status: see the report.)
        Assert.Equal("application/grpc-web+proto", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("13", FilterTestSupport.Header(response, "grpc-status"));
        Assert.Equal("Bad gRPC-web request, invalid base64 data.", FilterTestSupport.Header(response, "grpc-message"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_non_grpc_answer_becomes_grpc_status_and_grpc_message()
    {
        await using var plain = await StartPlainAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("- match: { prefix: \"/\" }\n  route: { cluster: backend }", EnvoyYaml.StaticCluster("backend", plain.Port), httpFilters: Filter));

        var content = new ByteArrayContent(Frame(0, "x"u8.ToArray()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web");
        using var unavailable = await gateway.Client.PostAsync("/x", content);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("14", FilterTestSupport.Header(unavailable, "grpc-status"));
        Assert.Equal("down for maintenance", FilterTestSupport.Header(unavailable, "grpc-message"));
        Assert.Equal("", await unavailable.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Other_requests_pass_untouched()
    {
        await using var plain = await TinyUpstream.StartAsync(ctx => ctx.Response.WriteAsync("ct=" + ctx.Request.ContentType));
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("- match: { prefix: \"/\" }\n  route: { cluster: backend }", EnvoyYaml.StaticCluster("backend", plain.Port), httpFilters: Filter));

        using var response = await gateway.Client.PostAsync("/x", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal("ct=application/json; charset=utf-8", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType ?? "text/plain");
    }
}
