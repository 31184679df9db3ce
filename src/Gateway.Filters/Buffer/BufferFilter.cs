namespace Gateway.Filters.Buffer;

/// <summary>
/// Envoy's buffer filter: a request with a body is held until the whole body has arrived (at most
/// max_request_bytes, else 413 <c>Payload Too Large</c> from the connection manager, as Envoy's
/// setDecoderBufferLimit makes it), then forwarded with its content-length. Per route it may be
/// disabled or get its own limit.
/// </summary>
public sealed class BufferFilter : IHttpFilter
{
    private readonly BufferSettings _settings;

    public BufferFilter(string name, BufferSettings settings)
    {
        Name = name;
        _settings = settings;
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.RequestData;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    private sealed class Stream : HttpStreamFilter
    {
        private readonly BufferFilter _filter;
        private int _previousLimit = -1;

        public Stream(BufferFilter filter)
        {
            _filter = filter;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            if (endOfStream)
            {
                return Continue;
            }

            var settings = (context.HasPerFilterConfigs ? context.PerRouteSettings<BufferSettings>(_filter.Name) : null) ?? _filter._settings;
            if (settings.Disabled)
            {
                return Continue;
            }

            // The limit is the connection manager's while this filter buffers (Envoy's setDecoderBufferLimit);
            // the contract has one limit for both directions, so it is put back once the body is in.
            _previousLimit = context.BufferLimitBytes;
            context.BufferLimitBytes = (int)Math.Min(settings.MaxRequestBytes, int.MaxValue);
            return ValueTask.FromResult(FilterStatus.StopAndBuffer);
        }

        public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (endOfStream && _previousLimit >= 0)
            {
                context.BufferLimitBytes = _previousLimit;
                _previousLimit = -1;
            }

            return Continue;
        }
    }
}
