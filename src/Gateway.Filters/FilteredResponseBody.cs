using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters;

/// <summary>
/// The response body feature while an active filter has response data hooks: whatever is written (the
/// upstream's body as the forwarder copies it, or a local reply's) goes through the filters' data hooks
/// before it reaches the client. While a filter holds the body the headers are held too: nothing is
/// started or flushed until the held data is released.
/// </summary>
internal sealed class FilteredResponseBody : Stream, IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly HttpFilterManager _manager;
    private readonly BodyBuffer _chunk = new();
    private PipeWriter? _writer;
    private bool _held;
    private Mode _mode;

    public FilteredResponseBody(IHttpResponseBodyFeature inner, HttpFilterManager manager)
    {
        _inner = inner;
        _manager = manager;
    }

    private enum Mode
    {
        Filtered,

        /// <summary>A local reply replacing the response is written straight through.</summary>
        Bypass,

        /// <summary>The response was replaced: the rest of the original body is dropped.</summary>
        Discard,
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>A filter holds the body: defer starting and flushing the response.</summary>
    public void Hold() => _held = true;

    /// <summary>The next writes are a replacing local reply, then the rest is dropped (<see cref="Discard"/>).</summary>
    public void Bypass()
    {
        _mode = Mode.Bypass;
        _held = false;
    }

    public void Discard() => _mode = Mode.Discard;

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        _held || _mode == Mode.Discard ? Task.CompletedTask : _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        await _manager.EndResponseDataAsync().ConfigureAwait(false);
        if (_writer is not null)
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }

        await _inner.CompleteAsync().ConfigureAwait(false);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (_mode)
        {
            case Mode.Bypass:
                await _inner.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            case Mode.Discard:
                return;
        }

        _chunk.Set(buffer);
        try
        {
            var result = await _manager.EncodeDataAsync(_chunk, false).ConfigureAwait(false);
            await EmitAsync(result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _chunk.Clear();
        }
    }

    /// <summary>End of stream through the data hooks (a compressor writes its trailer here).</summary>
    public async Task EndAsync()
    {
        if (_mode != Mode.Filtered)
        {
            return;
        }

        _chunk.Clear();
        var result = await _manager.EncodeDataAsync(_chunk, true).ConfigureAwait(false);
        _held = false;
        await EmitAsync(result, default).ConfigureAwait(false);
    }

    private async ValueTask EmitAsync(BodyBuffer? result, CancellationToken cancellationToken)
    {
        if (result is null)
        {
            // A filter replaced the response: what the upstream still sends is dropped.
            _mode = Mode.Discard;
            return;
        }

        if (_mode == Mode.Bypass)
        {
            _mode = Mode.Discard;
            return;
        }

        if (!result.IsEmpty)
        {
            _held = false;
            await _inner.Stream.WriteAsync(result.Memory, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(result, _chunk))
            {
                result.Clear();
            }
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _held || _mode == Mode.Discard ? Task.CompletedTask : _inner.Stream.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync(default).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
