using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Codec;

/// <summary>
/// Envoy's <c>codec_type: AUTO</c> on cleartext: a connection that opens with the HTTP/2 client preface speaks
/// HTTP/2 (prior knowledge, as gRPC clients and <c>curl --http2-prior-knowledge</c> do), any other HTTP/1.1.
/// Kestrel has no ALPN to go by without TLS and serves every cleartext connection of an HTTP/1-and-2 endpoint as
/// HTTP/1.1; it takes a per-connection choice from its HttpProtocolsFeature, the one its TLS middleware sets per SNI
/// host. That type is internal: both instances are made once here through its public constructor, and
/// <see cref="Supported"/> says whether this Kestrel has it (a test fails when it does not).
/// </summary>
internal static class H2cPriorKnowledge
{
    private const string FeatureTypeName = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature, Microsoft.AspNetCore.Server.Kestrel.Core";

    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    private static readonly Type? FeatureType = Type.GetType(FeatureTypeName, throwOnError: false);

    private static readonly object? Http1 = Create(HttpProtocols.Http1);
    private static readonly object? Http2 = Create(HttpProtocols.Http2);

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Whether a connection's protocol can be chosen; when not, cleartext AUTO stays HTTP/1.1 only.</summary>
    public static bool Supported => Http1 is not null && Http2 is not null;

    /// <summary>Whether this connection's protocol was chosen to be HTTP/2.</summary>
    public static bool ChoseHttp2(ConnectionContext connection) =>
        FeatureType is not null && ReferenceEquals(connection.Features[FeatureType], Http2);

    /// <summary>
    /// The protocol for a connection of a filter chain: its codec_type when that says which, else (AUTO) by the
    /// first bytes, as <see cref="ChooseAsync(ConnectionContext, TimeSpan)"/>.
    /// </summary>
    public static ValueTask<bool> ChooseAsync(ConnectionContext connection, CodecType codec, TimeSpan idleTimeout)
    {
        if (codec is CodecType.Http1 or CodecType.Http2)
        {
            Choose(connection, http2: codec == CodecType.Http2);
            return new ValueTask<bool>(true);
        }

        return ChooseAsync(connection, idleTimeout);
    }

    private static void Choose(ConnectionContext connection, bool http2) => connection.Features[FeatureType!] = http2 ? Http2 : Http1;

    /// <summary>
    /// Reads the connection's first bytes, leaving them unconsumed for the codec, and sets its protocol: HTTP/2 when
    /// they are the preface, HTTP/1.1 as soon as they differ (or the client ends). False when nothing told within
    /// <paramref name="idleTimeout"/> (Envoy's idle timeout of a connection without streams): the connection closes.
    /// </summary>
    public static ValueTask<bool> ChooseAsync(ConnectionContext connection, TimeSpan idleTimeout)
    {
        // Most clients have sent their first bytes by the time the connection is served: told without a wait or a timer.
        var input = connection.Transport.Input;
        if (input.TryRead(out var ready))
        {
            if (TryChoose(connection, input, ready))
            {
                return new ValueTask<bool>(true);
            }

            input.AdvanceTo(ready.Buffer.Start, ready.Buffer.End);
        }

        return WaitAsync(connection, input, idleTimeout);
    }

    private static async ValueTask<bool> WaitAsync(ConnectionContext connection, PipeReader input, TimeSpan idleTimeout)
    {
        // A client that closes completes the read; only silence needs a timer.
        using var idle = idleTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(idleTimeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(idle?.Token ?? default).ConfigureAwait(false);
                if (TryChoose(connection, input, result))
                {
                    return true;
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sets the protocol when the bytes so far tell (leaving them unconsumed); false while they are a prefix of the preface.</summary>
    private static bool TryChoose(ConnectionContext connection, PipeReader input, ReadResult result)
    {
        var verdict = Match(result.Buffer);
        if (verdict is null && !result.IsCompleted && !result.IsCanceled)
        {
            return false;
        }

        input.AdvanceTo(result.Buffer.Start);
        Choose(connection, http2: verdict == true);
        return true;
    }

    /// <summary>True: the whole preface; false: bytes that are not it; null: a prefix of it so far.</summary>
    private static bool? Match(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[24];
        var length = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, length).CopyTo(head);
        if (!Preface.StartsWith(head[..length]))
        {
            return false;
        }

        return length == Preface.Length ? true : null;
    }

    private static object? Create(HttpProtocols protocols)
    {
        try
        {
            return FeatureType is null ? null : Activator.CreateInstance(FeatureType, protocols);
        }
        catch (MissingMethodException)
        {
            return null;
        }
    }
}
