using Gateway.Filters;

namespace Gateway.Proxy;

/// <summary>HCM <c>local_reply_config</c>: rewrites a local reply (status, body, format) before it is encoded.</summary>
public interface ILocalReplyMapper
{
    LocalReplyData Map(RequestState state, LocalReplyData reply);
}
