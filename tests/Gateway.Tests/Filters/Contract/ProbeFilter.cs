using System.Text;
using Microsoft.AspNetCore.Http;
using Gateway.Filters;

namespace Gateway.Tests.Filters.Contract;

/// <summary>
/// Marks every phase it sees: request header <c>x-decode</c> and response header <c>x-encode</c> get its
/// tag appended (so the order is visible), buffered bodies get <c>|tag</c> appended, streamed bodies
/// are upper-cased chunk by chunk.
/// </summary>
internal sealed class ProbeFilter : IHttpFilter
{
    private readonly ProbeFilterSettings _settings;

    public ProbeFilter(ProbeFilterSettings settings)
    {
        _settings = settings;
        Phases = HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders
            | (settings.BufferRequest || settings.StreamRequest ? HttpFilterPhases.RequestData : 0)
            | (settings.BufferResponse || settings.StreamResponse ? HttpFilterPhases.ResponseData : 0);
    }

    public string Name => _settings.Name;

    public HttpFilterPhases Phases { get; }

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(_settings);

    private sealed class Stream : HttpStreamFilter
    {
        private readonly ProbeFilterSettings _settings;
        private string _tag = "";

        public Stream(ProbeFilterSettings settings)
        {
            _settings = settings;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            _tag = context.PerRouteSettings<ProbePerRouteSettings>(_settings.Name)?.Tag ?? _settings.Tag;
            context.HttpContext.Request.Headers.Append("x-decode", _tag);
            if (_settings.Metadata)
            {
                context.DynamicMetadata.Set("test.probe", "tag", _tag);
                context.FilterState["test.probe.tag"] = _tag;
            }

            if (_settings.ReplyStatus != 0)
            {
                return ValueTask.FromResult(context.SendLocalReply(_settings.ReplyStatus, "probe " + _tag, "probe_reply", "UAEX"));
            }

            return ValueTask.FromResult(_settings.BufferRequest ? FilterStatus.StopAndBuffer : FilterStatus.Continue);
        }

        public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (_settings.BufferRequest)
            {
                Assert.True(endOfStream);
                data.Append(Encoding.UTF8.GetBytes("|" + _tag));
            }
            else
            {
                Upper(data);
            }

            return Continue;
        }

        public override async ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            // Async on purpose: the chain resumes when the hook completes.
            await Task.Yield();
            context.HttpContext.Response.Headers.Append("x-encode", _tag);
            if (_settings.ReplyOnResponse != 0)
            {
                return context.SendLocalReply(_settings.ReplyOnResponse, "probe response " + _tag, "probe_reply");
            }

            return _settings.BufferResponse ? FilterStatus.StopAndBuffer : FilterStatus.Continue;
        }

        public override ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (_settings.BufferResponse)
            {
                if (!endOfStream)
                {
                    throw new InvalidOperationException("a buffering filter is called once, at the end of the body");
                }

                data.Append(Encoding.UTF8.GetBytes("|" + _tag));
            }
            else
            {
                Upper(data);
            }

            return Continue;
        }

        private static void Upper(BodyBuffer data)
        {
            if (data.IsEmpty)
            {
                return;
            }

            var bytes = data.ToArray();
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] is >= (byte)'a' and <= (byte)'z')
                {
                    bytes[i] -= 32;
                }
            }

            data.Replace(bytes);
        }
    }
}
