using System.Text;

namespace Gateway.AccessLog;

/// <summary><c>%LOCAL_REPLY_BODY%</c>: the body of the local reply being formatted by local_reply_config.</summary>
public sealed class LocalReplyBodySegment : AccessLogSegment
{
    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        if (entry.State.LocalReplyBody is not { } body)
        {
            return false;
        }

        text.Append(body);
        return true;
    }
}
