using System.IO.Compression;

namespace Gateway.Filters.Compression;

/// <summary>
/// One body's compressor (Envoy's Compressor::compress): each chunk is compressed and flushed so the
/// client can start inflating at once (Envoy's State::Flush); the last call finishes the stream.
/// </summary>
internal sealed class BodyCompressor : IDisposable
{
    private readonly GrowableOutput _output = new();
    private Stream? _stream;

    public BodyCompressor(CompressionLibraryConfig library)
    {
        _stream = library.Algorithm switch
        {
            CompressionAlgorithm.Gzip => new GZipStream(_output, new ZLibCompressionOptions { CompressionLevel = library.Level }, leaveOpen: true),
            CompressionAlgorithm.Brotli => new BrotliStream(_output, new BrotliCompressionOptions { Quality = library.Level }, leaveOpen: true),
            _ => NewZstd(library),
        };
    }

    private Stream NewZstd(CompressionLibraryConfig library)
    {
        var zstd = new ZstdSharp.CompressionStream(_output, library.Level, leaveOpen: true);
        if (library.ZstdChecksum)
        {
            zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        }

        return zstd;
    }

    /// <summary>Replaces <paramref name="data"/>'s bytes with their compressed form.</summary>
    public void Compress(BodyBuffer data, bool endOfStream)
    {
        if (_stream is null)
        {
            data.Clear();
            return;
        }

        _output.Reset();
        if (!data.IsEmpty)
        {
            _stream.Write(data.Span);
        }

        if (endOfStream)
        {
            _stream.Dispose();
            _stream = null;
        }
        else
        {
            _stream.Flush();
        }

        data.Replace(_output.WrittenSpan);
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
