namespace Gateway.Clusters.Model;

/// <summary>common_http_protocol_options.headers_with_underscores_action: a request header whose name holds '_'.</summary>
public enum HeadersWithUnderscoresAction
{
    Allow,
    RejectRequest,
    DropHeader,
}
