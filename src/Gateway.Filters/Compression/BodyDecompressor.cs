using System.IO.Compression;

namespace Gateway.Filters.Compression;

/// <summary>One body's decompressor (Envoy's Decompressor::decompress), fed chunk by chunk.</summary>
internal sealed class BodyDecompressor : IDisposable
{
    private readonly FeedInput _input = new();
    private readonly GrowableOutput _output = new();
    private readonly byte[] _chunk = new byte[16 * 1024];
    private readonly Stream _stream;

    public BodyDecompressor(CompressionAlgorithm algorithm)
    {
        _stream = algorithm switch
        {
            CompressionAlgorithm.Gzip => new GZipStream(_input, CompressionMode.Decompress, leaveOpen: true),
            CompressionAlgorithm.Brotli => new BrotliStream(_input, CompressionMode.Decompress, leaveOpen: true),
            _ => new ZstdSharp.DecompressionStream(_input, leaveOpen: true),
        };
    }

    /// <summary>Replaces <paramref name="data"/>'s bytes with their decompressed form; returns how many compressed bytes came in.</summary>
    /// <exception cref="InvalidDataException">The data is not valid for the coding.</exception>
    public int Decompress(BodyBuffer data)
    {
        var compressed = data.Length;
        _input.Feed(data.Span);
        _output.Reset();
        int read;
        while ((read = _stream.Read(_chunk)) > 0)
        {
            _output.Write(_chunk.AsSpan(0, read));
        }

        data.Replace(_output.WrittenSpan);
        return compressed;
    }

    public void Dispose() => _stream.Dispose();
}
