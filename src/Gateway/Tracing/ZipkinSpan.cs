namespace Gateway.Tracing;

/// <summary>A span of the Zipkin tracer, reported as one JSON v2 span when sampled.</summary>
internal sealed class ZipkinSpan : TraceSpan
{
    private readonly ZipkinTracer _tracer;
    private readonly TraceContext _context;
    private readonly bool _sampled;
    private List<KeyValuePair<string, string>>? _tags;

    public ZipkinSpan(ZipkinTracer tracer, TraceContext context, bool sampled, string name, string kind, bool shared, DateTimeOffset start)
    {
        _tracer = tracer;
        _context = context;
        _sampled = sampled;
        Name = name;
        Kind = kind;
        Shared = shared;
        Start = start;
    }

    public override TraceContext Context => _context;

    public override bool Sampled => _sampled;

    public string Name { get; }

    /// <summary>SERVER or CLIENT.</summary>
    public string Kind { get; }

    /// <summary>True when the span id is the client's (shared_span_context).</summary>
    public bool Shared { get; }

    public DateTimeOffset Start { get; }

    public TimeSpan Duration { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> Tags => (IReadOnlyList<KeyValuePair<string, string>>?)_tags ?? [];

    public override void SetTag(string name, string value)
    {
        if (_sampled)
        {
            (_tags ??= []).Add(new(name, value));
        }
    }

    public override void Finish()
    {
        if (_sampled)
        {
            Duration = DateTimeOffset.UtcNow - Start;
            _tracer.Report(this);
        }
    }
}
