namespace Gateway.Filters.HttpCall;

/// <summary>What the filter does when the callout could not be made or got no answer from the upstream.</summary>
public enum HttpCallOnError
{
    /// <summary>The seed plugin's behaviour: forward the request anyway (with the local reply's body as the header, if any).</summary>
    Continue,

    /// <summary>Fail closed: answer 503 and do not forward.</summary>
    Deny,
}
