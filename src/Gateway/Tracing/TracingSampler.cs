using System.Net;
using System.Net.Sockets;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tracing;

/// <summary>
/// Envoy's tracing decision (ConnectionManagerUtility::mutateTracingRequestHeader): a client-requested
/// trace (x-client-trace-id) within client_sampling, a forced trace (x-envoy-force-trace from an
/// internal address), else random_sampling; overall_sampling then caps all of them.
/// </summary>
internal static class TracingSampler
{
    public static bool Decide(TracingConfig config, HttpContext context)
    {
        var headers = context.Request.Headers;
        bool traced;
        if (headers.ContainsKey("x-client-trace-id") && Roll(config.ClientSampling))
        {
            traced = true;
        }
        else if (headers.ContainsKey("x-envoy-force-trace") && IsInternal(context.Connection.RemoteIpAddress))
        {
            traced = true;
        }
        else
        {
            traced = Roll(config.RandomSampling);
        }

        return traced && Roll(config.OverallSampling);
    }

    private static bool Roll(double percent) => percent >= 100 || (percent > 0 && Random.Shared.NextDouble() * 100 < percent);

    /// <summary>Envoy's internal addresses: loopback and the RFC 1918 / unique-local ranges.</summary>
    private static bool IsInternal(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168);
        }

        return (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
    }
}
