using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.GrpcWeb;

/// <summary>
/// Envoy's grpc_web filter. A request with content-type application/grpc-web(+proto) or
/// application/grpc-web-text(+proto) goes upstream as application/grpc (text bodies base64-decoded,
/// content-length removed, te: trailers, grpc-accept-encoding added when absent). The response gets
/// content-type application/grpc-web+proto (or -text+proto when the client's accept asks for text:
/// every frame base64-encoded) and the gRPC trailers as a final body frame (flag 0x80, "name:value\r\n").
/// A response that is not gRPC becomes grpc-status (from the HTTP status) and grpc-message (the body, percent-encoded).
/// </summary>
public sealed class GrpcWebFilter : IHttpFilter
{
    public const string GrpcWeb = "application/grpc-web";
    public const string GrpcWebProto = "application/grpc-web+proto";
    public const string GrpcWebText = "application/grpc-web-text";
    public const string GrpcWebTextProto = "application/grpc-web-text+proto";

    private const int MaxBufferedPlaintextLength = 16384;
    private const byte TrailerFlag = 0x80;

    public GrpcWebFilter(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.RequestData | HttpFilterPhases.ResponseHeaders | HttpFilterPhases.ResponseData;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream();

    private static bool IsGrpcWebContentType(string contentType) =>
        contentType is GrpcWeb or GrpcWebProto or GrpcWebText or GrpcWebTextProto;

    private sealed class Stream : HttpStreamFilter
    {
        private bool _isGrpcWeb;
        private bool _textRequest;
        private bool _textResponse;
        private bool _transformNonGrpc;
        private bool _headersOnlyResponse;
        private IHttpResponseTrailersFeature? _trailers;
        private byte[] _requestCarry = [];
        private BodyBuffer? _frameCarry;

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            var http = context.HttpContext;
            var headers = http.Request.Headers;
            var contentType = headers.ContentType.ToString();
            if (!IsGrpcWebContentType(contentType))
            {
                return Continue;
            }

            _isGrpcWeb = true;
            // The length is the HTTP/1.1 body's, not the sum of the HTTP/2 DATA frames the upstream gets.
            headers.ContentLength = null;
            _textRequest = contentType is GrpcWebText or GrpcWebTextProto;
            headers.ContentType = "application/grpc";
            var accept = headers.Accept.ToString();
            _textResponse = accept is GrpcWebText or GrpcWebTextProto;
            headers["te"] = "trailers";
            if (!headers.ContainsKey("grpc-accept-encoding"))
            {
                headers["grpc-accept-encoding"] = "identity,deflate,gzip";
            }

            _trailers = http.Features.Get<IHttpResponseTrailersFeature>();
            if (_trailers is null || _trailers.Trailers.IsReadOnly)
            {
                _trailers = new GrpcWebTrailers();
                http.Features.Set(_trailers);
            }

            return Continue;
        }

        public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (!_textRequest)
            {
                return Continue;
            }

            var available = _requestCarry.Length + data.Length;
            if (endOfStream)
            {
                if (available == 0)
                {
                    return Continue;
                }

                if (available % 4 != 0)
                {
                    return ValueTask.FromResult(BadRequest(context, "grpc_base_64_decode_failed_bad_size"));
                }
            }

            var text = new byte[available];
            _requestCarry.CopyTo(text, 0);
            data.Span.CopyTo(text.AsSpan(_requestCarry.Length));
            var usable = available / 4 * 4;
            _requestCarry = text[usable..];
            if (usable == 0)
            {
                data.Clear();
                return Continue;
            }

            var decoded = new byte[usable / 4 * 3];
            if (System.Buffers.Text.Base64.DecodeFromUtf8(text.AsSpan(0, usable), decoded, out _, out var written) != System.Buffers.OperationStatus.Done || written == 0)
            {
                return ValueTask.FromResult(BadRequest(context, "grpc_base_64_decode_failed"));
            }

            data.Replace(decoded.AsSpan(0, written));
            return Continue;
        }

        private static FilterStatus BadRequest(HttpFilterContext context, string details)
        {
            return context.SendLocalReply(StatusCodes.Status400BadRequest, "Bad gRPC-web request, invalid base64 data.", details);
        }

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            if (!_isGrpcWeb)
            {
                return Continue;
            }

            var response = context.HttpContext.Response;
            _transformNonGrpc = !IsGrpcResponse(response, endOfStream) && !IsProtoGrpcWebResponse(response);
            response.Headers.ContentType = _textResponse ? GrpcWebTextProto : GrpcWebProto;
            if (endOfStream)
            {
                // Envoy runs no data or trailers hooks after headers that end the stream: no trailer frame either.
                _headersOnlyResponse = true;
                if (_transformNonGrpc)
                {
                    SetNonGrpcStatus(response, ReadOnlySpan<byte>.Empty);
                }

                return Continue;
            }

            // The trailer frame (and base64) change the body's length.
            response.Headers.ContentLength = null;
            return _transformNonGrpc ? ValueTask.FromResult(FilterStatus.StopAndBuffer) : Continue;
        }

        public override ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (!_isGrpcWeb || _headersOnlyResponse)
            {
                return Continue;
            }

            var response = context.HttpContext.Response;
            if (_transformNonGrpc)
            {
                if (endOfStream)
                {
                    _transformNonGrpc = false;
                    SetNonGrpcStatus(response, data.Span[..Math.Min(data.Length, MaxBufferedPlaintextLength)]);
                    data.Clear();
                }

                return Continue;
            }

            if (_textResponse)
            {
                EncodeFramesAsText(data);
            }

            if (endOfStream)
            {
                AppendTrailerFrame(data);
            }

            return Continue;
        }

        /// <summary>Envoy's isGrpcResponseHeaders: 200 with an application/grpc content type (a trailers-only answer also needs grpc-status).</summary>
        private static bool IsGrpcResponse(HttpResponse response, bool endOfStream)
        {
            if (endOfStream && !response.Headers.ContainsKey("grpc-status"))
            {
                return false;
            }

            var contentType = response.Headers.ContentType.ToString();
            return response.StatusCode == StatusCodes.Status200OK &&
                   (contentType == "application/grpc" || contentType.StartsWith("application/grpc+", StringComparison.Ordinal) || contentType.StartsWith("application/grpc;", StringComparison.Ordinal));
        }

        private static bool IsProtoGrpcWebResponse(HttpResponse response)
        {
            var contentType = response.Headers.ContentType.ToString();
            var semicolon = contentType.IndexOf(';');
            var media = (semicolon < 0 ? contentType : contentType[..semicolon]).TrimEnd();
            return response.StatusCode == StatusCodes.Status200OK &&
                   (media.Equals(GrpcWebProto, StringComparison.OrdinalIgnoreCase) || media.Equals(GrpcWeb, StringComparison.OrdinalIgnoreCase));
        }

        private static void SetNonGrpcStatus(HttpResponse response, ReadOnlySpan<byte> body)
        {
            response.Headers["grpc-message"] = PercentEncode(body);
            response.Headers["grpc-status"] = HttpToGrpcStatus(response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.ContentLength = 0;
        }

        /// <summary>Envoy's Grpc::Utility::httpToGrpcStatus.</summary>
        private static int HttpToGrpcStatus(int status) => status switch
        {
            400 => 13, // Internal
            401 => 16, // Unauthenticated
            403 => 7, // PermissionDenied
            404 => 12, // Unimplemented
            429 or 502 or 503 or 504 => 14, // Unavailable
            _ => 2, // Unknown
        };

        /// <summary>Envoy's PercentEncoding::encode: '%' and bytes outside printable ASCII are %XX-escaped.</summary>
        private static string PercentEncode(ReadOnlySpan<byte> value)
        {
            var builder = new StringBuilder(value.Length);
            foreach (var b in value)
            {
                if (b < ' ' || b >= '~' || b == '%')
                {
                    builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append((char)b);
                }
            }

            return builder.ToString();
        }

        /// <summary>Cuts the stream into whole gRPC frames (a partial one waits for the next chunk) and base64-encodes each.</summary>
        private void EncodeFramesAsText(BodyBuffer data)
        {
            var input = data;
            if (_frameCarry is { IsEmpty: false } carry)
            {
                carry.Append(data.Span);
                input = carry;
            }

            var span = input.Span;
            var output = new List<byte>();
            var offset = 0;
            while (span.Length - offset >= 5)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(span.Slice(offset + 1, 4));
                if (span.Length - offset - 5 < length)
                {
                    break;
                }

                output.AddRange(Encoding.ASCII.GetBytes(Convert.ToBase64String(span.Slice(offset, 5 + length))));
                offset += 5 + length;
            }

            var rest = span[offset..].ToArray();
            _frameCarry ??= new BodyBuffer();
            _frameCarry.Replace(rest);
            data.Replace(output.ToArray());
        }

        private void AppendTrailerFrame(BodyBuffer data)
        {
            var trailers = _trailers?.Trailers;
            var text = new StringBuilder();
            if (trailers is not null)
            {
                foreach (var (name, values) in trailers)
                {
                    foreach (var value in values)
                    {
                        text.Append(name.ToLowerInvariant()).Append(':').Append(value).Append("\r\n");
                    }
                }

                // They are in the body now; the client must not get them twice.
                trailers.Clear();
            }

            var payload = Encoding.UTF8.GetBytes(text.ToString());
            var frame = new byte[5 + payload.Length];
            frame[0] = TrailerFlag;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
            payload.CopyTo(frame, 5);
            data.Append(_textResponse ? Encoding.ASCII.GetBytes(Convert.ToBase64String(frame)) : frame);
        }
    }
}
