using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Clusters.Naming;

/// <summary>
/// Writes the envoy.yaml <c>clusters:</c> item a user must add when a plugin's callout names a cluster
/// that is not defined, in the shape of the http-call plugin doc, so the fix can be pasted as is.
/// </summary>
public static class EnvoyClusterSnippet
{
    // Anything else (':' in IPv6, '|', spaces, '#', leading '-' ...) could change meaning as a plain YAML scalar.
    private static readonly Regex PlainScalar = new("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> YamlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "nan", "inf",
    };

    /// <summary>
    /// The snippet for a parsed cluster. The address is derived from the spec; Target and Route clusters
    /// name an existing Envoy cluster rather than a place, so they need <see cref="For(string,string,long)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">For Target and Route, or when the spec has no usable address.</exception>
    public static string For(HigressClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var address = spec.Kind switch
        {
            HigressClusterKind.StaticIp => spec.ServiceName,
            HigressClusterKind.Fqdn => spec.Fqdn,
            // The real service DNS name, so the default namespace applies here as it does in the cluster name.
            HigressClusterKind.K8s =>
                $"{spec.ServiceName}.{(spec.Namespace.Length == 0 ? "default" : spec.Namespace)}.svc.cluster.local",
            HigressClusterKind.Nacos => spec.ServiceName,
            // Consul's DNS interface; without a datacenter Consul answers for the local one.
            HigressClusterKind.Consul => spec.Datacenter.Length == 0
                ? $"{spec.ServiceName}.service.consul"
                : $"{spec.ServiceName}.service.{spec.Datacenter}.consul",
            HigressClusterKind.Dns => spec.Domain,
            HigressClusterKind.Target or HigressClusterKind.Route => throw new ArgumentException(
                $"A {spec.Kind} cluster does not say where its endpoints are; call " +
                $"{nameof(EnvoyClusterSnippet)}.{nameof(For)}(clusterName, address, port) with the upstream's address.",
                nameof(spec)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown Higress cluster kind."),
        };

        if (address.Length == 0)
        {
            throw new ArgumentException($"The {spec.Kind} cluster has no address to put in the snippet.", nameof(spec));
        }

        return For(HigressClusterNaming.ClusterName(spec), address, spec.Port);
    }

    /// <summary>
    /// The snippet for any cluster name: STATIC when <paramref name="address"/> is an IP literal
    /// (Envoy refuses host names in STATIC clusters), LOGICAL_DNS otherwise.
    /// </summary>
    public static string For(string clusterName, string address, long port)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "Envoy port_value must be 1-65535.");
        }

        // socket_address wants a bare IPv6 literal, not the bracketed URL form.
        var bare = address.StartsWith('[') && address.EndsWith(']') ? address[1..^1] : address;
        var type = IsIpLiteral(bare) ? "STATIC" : "LOGICAL_DNS";
        // The name always contains '|' in Higress naming; single quotes keep YAML from reading it as a block scalar.
        var name = SingleQuoted(clusterName);

        var yaml = new StringBuilder();
        yaml.Append("- name: ").Append(name).Append('\n');
        yaml.Append("  connect_timeout: 5s\n");
        yaml.Append("  type: ").Append(type).Append('\n');
        yaml.Append("  lb_policy: ROUND_ROBIN\n");
        yaml.Append("  load_assignment:\n");
        yaml.Append("    cluster_name: ").Append(name).Append('\n');
        yaml.Append("    endpoints:\n");
        yaml.Append("    - lb_endpoints:\n");
        yaml.Append("      - endpoint:\n");
        yaml.Append("          address:\n");
        yaml.Append("            socket_address:\n");
        yaml.Append("              address: ").Append(Scalar(bare)).Append('\n');
        yaml.Append("              port_value: ").Append(port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return yaml.ToString();
    }

    /// <summary>
    /// Stricter than <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>, which also accepts "1" or
    /// "10.1" as IPv4: those are host names to Envoy and need LOGICAL_DNS.
    /// </summary>
    private static bool IsIpLiteral(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return false;
        }

        return ip.AddressFamily == AddressFamily.InterNetworkV6
            ? address.Contains(':', StringComparison.Ordinal)
            : address.Split('.').Length == 4;
    }

    private static string Scalar(string value)
        => PlainScalar.IsMatch(value) && !YamlKeywords.Contains(value)
           && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? value
            : SingleQuoted(value);

    private static string SingleQuoted(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
