using System.Diagnostics;
using System.Text;
using Gateway.AccessLog;
using Gateway.Clusters.Model;
using Gateway.Filters;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// HCM local_reply_config, compiled once per load: the first mapper whose filter matches a local reply
/// rewrites its status, body and headers; then the body is formatted with the mapper's
/// body_format_override or the config's body_format (<c>%LOCAL_REPLY_BODY%</c> is the body so far), with
/// text/plain or application/json unless content_type says otherwise. As Envoy's LocalReply::rewrite.
/// </summary>
public sealed class LocalReplyMapper : ILocalReplyMapper
{
    private readonly Mapper[] _mappers;
    private readonly Format? _bodyFormat;

    public LocalReplyMapper(LocalReplyConfig config)
    {
        _mappers = config.Mappers.Select(m => new Mapper(
            AccessLogFilterCompiler.Compile(m.Filter),
            m.StatusCode,
            m.Body is null ? null : Encoding.UTF8.GetBytes(m.Body),
            m.BodyFormatOverride is { } f ? new Format(f) : null,
            m.HeadersToAdd)).ToArray();
        _bodyFormat = config.BodyFormat is { } format ? new Format(format) : null;
    }

    /// <summary>Compiles every format of the config, so a bad operator fails the load (AccessLogFormatException).</summary>
    public static LocalReplyMapper? Create(LocalReplyConfig? config) => config is null ? null : new LocalReplyMapper(config);

    public LocalReplyData Map(RequestState state, LocalReplyData reply)
    {
        var format = _bodyFormat;
        var status = reply.Status;
        var body = reply.Body;
        Action<IHeaderDictionary>? modify = reply.ModifyHeaders;
        var elapsed = (long)Stopwatch.GetElapsedTime(state.StartTimestamp).TotalMilliseconds;
        var input = new AccessLogFilterInput(state, reply.Status, elapsed, reply.ResponseFlag ?? state.ResponseFlags);
        foreach (var mapper in _mappers)
        {
            if (!mapper.Filter(input))
            {
                continue;
            }

            status = mapper.Status ?? status;
            body = mapper.Body ?? body;
            format = mapper.FormatOverride ?? format;
            if (mapper.Headers.Count > 0)
            {
                var headers = mapper.Headers;
                var inner = modify;
                modify = h =>
                {
                    inner?.Invoke(h);
                    Filters.Headers.HeaderValueOptionWriter.Apply(h, headers);
                };
            }

            break;
        }

        string? contentType = reply.ContentType;
        if (format is not null)
        {
            state.LocalReplyBody = Encoding.UTF8.GetString(body.Span);
            state.HttpContext.Response.StatusCode = status;
            var text = new StringBuilder();
            var entry = new AccessLogEntry(state.HttpContext, state, DateTimeOffset.UtcNow.AddMilliseconds(-elapsed), elapsed, state.HttpContext.Request.ContentLength ?? 0, 0);
            format.Formatter.Format(text, entry);
            body = Encoding.UTF8.GetBytes(text.ToString());
            contentType = format.ContentType;
        }

        return status == reply.Status && body.Equals(reply.Body) && ReferenceEquals(modify, reply.ModifyHeaders) && contentType == reply.ContentType
            ? reply
            : reply with { Status = status, Body = body, ModifyHeaders = modify, ContentType = contentType };
    }

    private sealed record Mapper(Func<AccessLogFilterInput, bool> Filter, int? Status, byte[]? Body, Format? FormatOverride, IReadOnlyList<HeaderValueOptionConfig> Headers);

    private sealed class Format
    {
        public Format(SubstitutionFormatConfig config)
        {
            Formatter = config.Json is { } json ? new JsonAccessLogFormatter(json) : new TextAccessLogFormatter(config.Text ?? "%LOCAL_REPLY_BODY%");
            ContentType = config.ContentType ?? (config.Json is not null ? "application/json" : "text/plain");
        }

        public IAccessLogFormatter Formatter { get; }

        public string ContentType { get; }
    }
}
