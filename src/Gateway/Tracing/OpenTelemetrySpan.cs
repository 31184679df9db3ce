using System.Diagnostics;

namespace Gateway.Tracing;

/// <summary>A span of the OpenTelemetry tracer: an <see cref="Activity"/> when sampled, ids alone when not.</summary>
internal sealed class OpenTelemetrySpan : TraceSpan
{
    private readonly Activity? _activity;
    private readonly TraceContext _context;
    private readonly bool _sampled;

    public OpenTelemetrySpan(Activity? activity, TraceContext context, bool sampled)
    {
        _activity = activity;
        _context = context;
        _sampled = sampled;
    }

    public Activity? Activity => _activity;

    public override TraceContext Context => _context;

    public override bool Sampled => _sampled;

    public override void SetTag(string name, string value) => _activity?.SetTag(name, value);

    public override void Finish() => _activity?.Stop();
}
