using Gateway.Clusters.Matching;
using System.Net;
using Gateway.Clusters.Model;
using Gateway.Filters.Matching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Rbac;

/// <summary>
/// One compiled Permission or Principal (they share their shapes: sets, not, any, header, path, addresses).
/// Built once per config load.
/// </summary>
public abstract class RbacMatcher
{
    public abstract bool Matches(HttpContext http, string rawTarget);

    public sealed class Any : RbacMatcher
    {
        public static readonly Any Instance = new();

        public override bool Matches(HttpContext http, string rawTarget) => true;
    }

    /// <summary>A principal that needs something this gateway never has (a TLS peer identity): it never matches.</summary>
    public sealed class Never : RbacMatcher
    {
        public static readonly Never Instance = new();

        public override bool Matches(HttpContext http, string rawTarget) => false;
    }

    public sealed class And(RbacMatcher[] rules) : RbacMatcher
    {
        public override bool Matches(HttpContext http, string rawTarget) => rules.All(r => r.Matches(http, rawTarget));
    }

    public sealed class Or(RbacMatcher[] rules) : RbacMatcher
    {
        public override bool Matches(HttpContext http, string rawTarget) => rules.Any(r => r.Matches(http, rawTarget));
    }

    public sealed class Not(RbacMatcher rule) : RbacMatcher
    {
        public override bool Matches(HttpContext http, string rawTarget) => !rule.Matches(http, rawTarget);
    }

    public sealed class Header(HeaderMatcherConfig config) : RbacMatcher
    {
        private readonly HeaderMatcher _matcher = new(config);

        public override bool Matches(HttpContext http, string rawTarget) => _matcher.Matches(http.Request, rawTarget);
    }

    /// <summary>url_path: the path without the query string.</summary>
    public sealed class UrlPath(StringMatcherConfig config) : RbacMatcher
    {
        private readonly StringMatcher _matcher = new(config);

        public override bool Matches(HttpContext http, string rawTarget)
        {
            var query = rawTarget.IndexOf('?');
            return _matcher.Matches(query < 0 ? rawTarget : rawTarget[..query]);
        }
    }

    public sealed class DestinationPort(int port) : RbacMatcher
    {
        public override bool Matches(HttpContext http, string rawTarget) => http.Connection.LocalPort == port;
    }

    /// <summary>destination_port_range: [start, end).</summary>
    public sealed class DestinationPortRange(int start, int end) : RbacMatcher
    {
        public override bool Matches(HttpContext http, string rawTarget) => http.Connection.LocalPort >= start && http.Connection.LocalPort < end;
    }

    public enum AddressKind
    {
        Destination,
        Remote,
        DirectRemote,
    }

    public sealed class Address(AddressKind kind, IPNetwork network) : RbacMatcher
    {
        public override bool Matches(HttpContext http, string rawTarget)
        {
            var address = kind == AddressKind.Destination ? http.Connection.LocalIpAddress : http.Connection.RemoteIpAddress;
            if (address is null)
            {
                return false;
            }

            if (address.IsIPv4MappedToIPv6 && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                address = address.MapToIPv4();
            }

            return network.Contains(address);
        }
    }
}
