using System.Buffers;

namespace Gateway.Filters;

/// <summary>
/// Body data handed to a filter's data hook: a view of the bytes that arrived, which the filter may
/// read, replace, append to or drain (Envoy's Buffer::Instance). The bytes are copied only when a
/// filter changes them or holds them across chunks.
/// </summary>
public sealed class BodyBuffer
{
    private byte[]? _owned;
    private ReadOnlyMemory<byte> _view;
    private int _length;

    public BodyBuffer()
    {
    }

    public BodyBuffer(ReadOnlyMemory<byte> data)
    {
        _view = data;
        _length = data.Length;
    }

    public int Length => _length;

    public bool IsEmpty => _length == 0;

    /// <summary>The current bytes; valid until the next change.</summary>
    public ReadOnlyMemory<byte> Memory => _owned is null ? _view : _owned.AsMemory(0, _length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>Points the buffer at data it does not own (no copy).</summary>
    public void Set(ReadOnlyMemory<byte> data)
    {
        ReleaseOwned();
        _view = data;
        _length = data.Length;
    }

    /// <summary>Replaces the content with a copy of <paramref name="data"/>.</summary>
    public void Replace(ReadOnlySpan<byte> data)
    {
        EnsureOwned(data.Length, keep: false);
        data.CopyTo(_owned);
        _length = data.Length;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        EnsureOwned(_length + data.Length, keep: true);
        data.CopyTo(_owned.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>Removes the first <paramref name="count"/> bytes.</summary>
    public void Drain(int count)
    {
        count = Math.Min(count, _length);
        if (_owned is null)
        {
            _view = _view[count..];
        }
        else
        {
            _owned.AsSpan(count, _length - count).CopyTo(_owned);
        }

        _length -= count;
    }

    public void Clear()
    {
        ReleaseOwned();
        _view = default;
        _length = 0;
    }

    public byte[] ToArray() => Memory.ToArray();

    /// <summary>Takes over this buffer's bytes into <paramref name="target"/> (appending) and empties this one.</summary>
    public void MoveTo(BodyBuffer target)
    {
        target.Append(Span);
        Clear();
    }

    private void EnsureOwned(int capacity, bool keep)
    {
        if (_owned is not null && _owned.Length >= capacity)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));
        if (keep)
        {
            Memory.Span.CopyTo(next);
        }

        ReleaseOwned();
        _owned = next;
        _view = default;
    }

    private void ReleaseOwned()
    {
        if (_owned is not null)
        {
            ArrayPool<byte>.Shared.Return(_owned);
            _owned = null;
        }
    }
}
