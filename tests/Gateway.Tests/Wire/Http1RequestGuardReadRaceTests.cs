using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks.Sources;
using Gateway.Codec;
using Gateway.Hosting;

namespace Gateway.Tests.Wire;

/// <summary>
/// The HTTP/1 guard asks whether the socket's read has completed once per read. Data can arrive at any
/// moment, so a read that is still pending when it is first asked may be complete when asked again; a
/// guard that asked twice took the second answer for "a head seen before, incomplete", held back a
/// complete request and hung it until the client gave up (seen as 30 s hangs in about one test per
/// full run). The inner reader here completes exactly between the first and any later question.
/// </summary>
public sealed class Http1RequestGuardReadRaceTests
{
    [Fact]
    public async Task A_read_that_completes_just_after_it_was_found_pending_still_hands_on_the_request()
    {
        var head = Encoding.ASCII.GetBytes("GET /x HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n");
        var inner = new CompletesWhenAskedTwiceReader(new ReadOnlySequence<byte>(head));
        var guard = new Http1RequestGuard(inner, new DownstreamConnection(new ListenerSlot("listener_0", isAdmin: false)),
            new Http1Limits(60 * 1024, 100, AcceptHttp10: false, AllowChunkedLength: false, RequestHeadersTimeout: null));

        var read = await guard.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(head.Length, read.Buffer.Length);
        Assert.Equal("GET /x", Encoding.ASCII.GetString(read.Buffer.Slice(0, 6).ToArray()));
    }

    /// <summary>
    /// A reader whose first ReadAsync is pending when first looked at and complete from then on (as a
    /// socket read that data reaches a moment later). Later reads never complete: like a pipe whose
    /// bytes were all examined, they wait for data the client will not send before it has an answer.
    /// </summary>
    private sealed class CompletesWhenAskedTwiceReader(ReadOnlySequence<byte> data) : PipeReader, IValueTaskSource<ReadResult>
    {
        private int _statusQueries;
        private int _reads;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            ++_reads == 1 ? new ValueTask<ReadResult>(this, 0) : new ValueTask<ReadResult>(new TaskCompletionSource<ReadResult>().Task);

        public ValueTaskSourceStatus GetStatus(short token) =>
            Interlocked.Increment(ref _statusQueries) == 1 ? ValueTaskSourceStatus.Pending : ValueTaskSourceStatus.Succeeded;

        public ReadResult GetResult(short token) => new(data, isCanceled: false, isCompleted: false);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            ThreadPool.QueueUserWorkItem(_ => continuation(state));

        public override bool TryRead(out ReadResult result)
        {
            result = default;
            return false;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}
