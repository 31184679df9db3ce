using System.Text;

namespace Gateway.AccessLog;

/// <summary>
/// Where lines go: stdout, stderr or one file (opened in append mode at load, so a bad path is a
/// load error). Written only by the access log service's background task.
/// </summary>
public sealed class AccessLogSinkTarget : IDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;

    private AccessLogSinkTarget(string key, TextWriter writer, bool ownsWriter)
    {
        Key = key;
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    /// <summary><c>stdout</c>, <c>stderr</c> or the file's full path.</summary>
    public string Key { get; }

    public static AccessLogSinkTarget Stdout() => new("stdout", Console.Out, ownsWriter: false);

    public static AccessLogSinkTarget Stderr() => new("stderr", Console.Error, ownsWriter: false);

    /// <summary>Opens (creating if needed) the file for appending; throws IOException/UnauthorizedAccessException.</summary>
    public static AccessLogSinkTarget File(string fullPath)
    {
        var stream = new FileStream(fullPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        return new AccessLogSinkTarget(fullPath, new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024), ownsWriter: true);
    }

    public void Write(string line) => _writer.Write(line);

    public void Flush() => _writer.Flush();

    public void Dispose()
    {
        _writer.Flush();
        if (_ownsWriter)
        {
            _writer.Dispose();
        }
    }
}
