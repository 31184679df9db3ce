namespace Gateway.Tests.Filters.Contract;

/// <summary>What a probe filter does in each phase (test.Probe typed_config).</summary>
internal sealed record ProbeFilterSettings(
    string Name,
    string Tag,
    int ReplyStatus,
    int ReplyOnResponse,
    bool BufferRequest,
    bool StreamRequest,
    bool BufferResponse,
    bool StreamResponse,
    bool Metadata);
