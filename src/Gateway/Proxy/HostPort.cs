namespace Gateway.Proxy;

/// <summary>Where a Host value's port starts, as Envoy's HeaderUtility::getPortStart finds it.</summary>
internal static class HostPort
{
    /// <summary>The index of the ':' before the port, or -1 when there is none (an IPv6 literal's colons are not one).</summary>
    public static int Start(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon < 0)
        {
            return -1;
        }

        var bracket = host.LastIndexOf(']');
        return bracket >= 0 && bracket > colon ? -1 : colon;
    }
}
