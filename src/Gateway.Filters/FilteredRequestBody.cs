using System.Buffers;

namespace Gateway.Filters;

/// <summary>
/// The request body as the upstream reads it when an active filter has data hooks and did not buffer
/// the body up front: each chunk read from the client goes through the filters' data hooks first.
/// A filter that stops the request makes the read fail, which cuts the forwarder off; the gateway then
/// sends the filter's reply (<see cref="HttpFilterManager.SendDeferredReplyAsync"/>).
/// </summary>
internal sealed class FilteredRequestBody : Stream
{
    private readonly Stream _inner;
    private readonly HttpFilterManager _manager;
    private readonly BodyBuffer _chunk = new();
    private BodyBuffer? _output;
    private int _outputOffset;
    private bool _ended;

    public FilteredRequestBody(Stream inner, HttpFilterManager manager)
    {
        _inner = inner;
        _manager = manager;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_output is not null && _outputOffset < _output.Length)
            {
                var n = Math.Min(buffer.Length, _output.Length - _outputOffset);
                _output.Memory.Slice(_outputOffset, n).CopyTo(buffer);
                _outputOffset += n;
                return n;
            }

            if (_ended)
            {
                return 0;
            }

            var rented = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length, 4096));
            try
            {
                var read = await _inner.ReadAsync(rented.AsMemory(0, Math.Max(buffer.Length, 4096)), cancellationToken).ConfigureAwait(false);
                _ended = read == 0;
                _chunk.Set(rented.AsMemory(0, read));
                var result = await _manager.DecodeDataAsync(_chunk, _ended).ConfigureAwait(false);
                if (result is null || (_ended && !await _manager.DecodeTrailersAsync().ConfigureAwait(false)))
                {
                    throw new IOException("the request was stopped by an http filter");
                }

                // Keep what passes: it may point into the rented array, which goes back to the pool below.
                _output ??= new BodyBuffer();
                _output.Replace(result.Span);
                _outputOffset = 0;
                result.Clear();
            }
            finally
            {
                _chunk.Clear();
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
