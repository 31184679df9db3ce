using System.Net;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads a FilterChainMatch.</summary>
internal static class FilterChainMatchReader
{
    public static FilterChainMatchConfig Read(MessageReader match)
    {
        var port = match.Integer("destination_port", 1, 65535);
        var prefixes = ReadRanges(match, "prefix_ranges");
        var directSources = ReadRanges(match, "direct_source_prefix_ranges");
        var sources = ReadRanges(match, "source_prefix_ranges");
        var sourceType = match.Enum("source_type", ConnectionSourceType.Any, "envoy.config.listener.v3.FilterChainMatch.ConnectionSourceType");
        var sourcePorts = new List<int>();
        if (match.Take("source_ports") is YamlDotNet.RepresentationModel.YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                if (item is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } text } && int.TryParse(text, out var p) && p is > 0 and <= 65535)
                {
                    sourcePorts.Add(p);
                }
                else
                {
                    match.Context.Error(match.Join("source_ports"), YamlMark.Of(item), "source_ports holds port numbers 1-65535");
                }
            }
        }

        var serverNames = match.Strings("server_names");
        foreach (var serverName in serverNames)
        {
            if (serverName.Contains('*', StringComparison.Ordinal) && !(serverName.StartsWith("*.", StringComparison.Ordinal) && serverName.LastIndexOf('*') == 0))
            {
                match.Context.Error(match.Join("server_names"), match.MarkOf("server_names"),
                    $"error adding listener: partial wildcards are not supported in \"server_names\" ('{serverName}'); use a leading '*.' only");
            }
        }

        var transport = match.String("transport_protocol") ?? "";
        var alpn = match.Strings("application_protocols");
        if (match.Has("address_suffix") || match.Has("suffix_len"))
        {
            match.Unsupported("address_suffix", "match on prefix_ranges");
            match.Unsupported("suffix_len", "match on prefix_ranges");
        }

        match.Finish();
        return new FilterChainMatchConfig(port is null ? null : (int)port, prefixes, serverNames.Select(n => n.ToLowerInvariant()).ToList(), transport, alpn, directSources, sourceType, sources, sourcePorts);
    }

    private static List<CidrRangeConfig> ReadRanges(MessageReader match, string field)
    {
        var result = new List<CidrRangeConfig>();
        foreach (var range in match.Messages(field, "envoy.config.core.v3.CidrRange"))
        {
            var prefix = range.RequiredString("address_prefix");
            var length = range.Integer("prefix_len", 0, 128);
            range.Finish();
            if (!IPAddress.TryParse(prefix, out var ip))
            {
                range.Context.Error(range.Join("address_prefix"), range.MarkOf("address_prefix"), $"malformed IP address: {prefix}");
                continue;
            }

            var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
            result.Add(new CidrRangeConfig(ip, (int)Math.Min(length ?? max, max)));
        }

        return result;
    }
}
