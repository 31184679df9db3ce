namespace Gateway.Proxy;

/// <summary>What the connection manager does after its path rules ran (Envoy's NormalizePathAction).</summary>
internal enum PathNormalizeAction
{
    Continue,
    Reject,
    Redirect,
}
