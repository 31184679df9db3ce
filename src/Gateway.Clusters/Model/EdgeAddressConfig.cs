using System.Net;

namespace Gateway.Clusters.Model;

/// <summary>
/// How the HCM decides who the client is and whether it is internal: use_remote_address,
/// xff_num_trusted_hops, internal_address_config, preserve_external_request_id.
/// </summary>
public sealed record EdgeAddressConfig
{
    public static readonly EdgeAddressConfig Default = new();

    /// <summary>xff_num_trusted_hops: how many addresses at the right of x-forwarded-for are trusted proxies.</summary>
    public int XffNumTrustedHops { get; init; }

    /// <summary>preserve_external_request_id: an external client's x-request-id is kept at the edge.</summary>
    public bool PreserveExternalRequestId { get; init; }

    /// <summary>internal_address_config.cidr_ranges; empty = no address is internal (Envoy's default since 1.33).</summary>
    public IReadOnlyList<(IPAddress Prefix, int Length)> InternalCidrs { get; init; } = [];

    /// <summary>internal_address_config.unix_sockets: unix-socket peers are internal.</summary>
    public bool UnixSocketsInternal { get; init; }
}
