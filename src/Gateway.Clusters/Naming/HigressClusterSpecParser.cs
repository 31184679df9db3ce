using System.Text.Json;
using static Gateway.Clusters.Naming.PluginJsonText;

namespace Gateway.Clusters.Naming;

/// <summary>
/// Reads the JSON form of a wasm-go cluster from plugin configuration. Strict on purpose: a typo
/// or a field the chosen type does not have would otherwise change the cluster name silently, and the
/// only symptom at run time is "bad argument". Every error starts with the JSON path of the field and
/// says what to write instead.
/// </summary>
public static class HigressClusterSpecParser
{
    private const string TypeField = "type";
    private const string ServiceNameField = "service_name";
    private const string PortField = "port";
    private const string HostField = "host";
    private const string FqdnField = "fqdn";
    private const string NamespaceField = "namespace";
    private const string VersionField = "version";
    private const string GroupField = "group";
    private const string NamespaceIdField = "namespace_id";
    private const string IsExtRegistryField = "is_ext_registry";
    private const string DatacenterField = "datacenter";
    private const string DomainField = "domain";
    private const string ClusterField = "cluster";

    private static readonly string[] AllFields =
    [
        TypeField, ServiceNameField, PortField, HostField, FqdnField, NamespaceField, VersionField, GroupField,
        NamespaceIdField, IsExtRegistryField, DatacenterField, DomainField, ClusterField,
    ];

    private const string TypeList = "static_ip, fqdn, k8s, nacos, consul, dns, target, route";

    /// <summary>
    /// Fields each kind accepts, mirroring the Go struct fields; required ones are the ones without which
    /// the name or the authority would be meaningless.
    /// </summary>
    private static readonly Dictionary<HigressClusterKind, (string[] Required, string[] Optional)> FieldsByKind = new()
    {
        [HigressClusterKind.StaticIp] = ([ServiceNameField, PortField], [HostField]),
        [HigressClusterKind.Fqdn] = ([FqdnField, PortField], [HostField]),
        [HigressClusterKind.K8s] = ([ServiceNameField, PortField], [NamespaceField, VersionField, HostField]),
        [HigressClusterKind.Nacos] = ([ServiceNameField, PortField],
            [GroupField, NamespaceIdField, IsExtRegistryField, VersionField, HostField]),
        [HigressClusterKind.Consul] = ([ServiceNameField, PortField], [DatacenterField, HostField]),
        // DnsCluster has no Host: the domain is its only authority, so it must be there.
        [HigressClusterKind.Dns] = ([ServiceNameField, PortField, DomainField], []),
        [HigressClusterKind.Target] = ([ClusterField], [HostField]),
        [HigressClusterKind.Route] = ([], [HostField]),
    };

    /// <summary>Same as <see cref="TryParse"/>, as a value.</summary>
    public static HigressClusterSpecParseResult Parse(JsonElement element, string jsonPath)
        => TryParse(element, jsonPath, out var spec, out var error)
            ? new HigressClusterSpecParseResult(spec, null)
            : new HigressClusterSpecParseResult(null, error);

    /// <summary>
    /// Parses <paramref name="element"/>; on failure <paramref name="error"/> is the first problem found,
    /// prefixed with its JSON path (e.g. <c>$.cluster.port: ...</c>).
    /// </summary>
    /// <param name="jsonPath">Where <paramref name="element"/> sits in the plugin config, e.g. <c>$.cluster</c>.</param>
    public static bool TryParse(JsonElement element, string jsonPath, out HigressClusterSpec? spec, out string? error)
    {
        spec = null;
        var root = string.IsNullOrEmpty(jsonPath) ? "$" : jsonPath;

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{root}: expected an object such as {{\"type\": \"fqdn\", \"fqdn\": \"httpbin.org\", \"port\": 80}}, " +
                    $"got {Describe(element)}";
            return false;
        }

        // Collect members first so duplicates and unknown names are reported before anything depends on them.
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var path = Child(root, property.Name);
            if (members.ContainsKey(property.Name))
            {
                error = $"{path}: given more than once; keep a single \"{property.Name}\"";
                return false;
            }

            if (Array.IndexOf(AllFields, property.Name) < 0)
            {
                error = $"{path}: unknown field{DidYouMean(property.Name, AllFields)}; " +
                        $"the fields are {string.Join(", ", AllFields)}";
                return false;
            }

            members.Add(property.Name, property.Value);
        }

        if (!members.TryGetValue(TypeField, out var typeElement))
        {
            error = $"{Child(root, TypeField)}: missing; set \"type\" to one of {TypeList}";
            return false;
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            error = $"{Child(root, TypeField)}: expected a string, got {Describe(typeElement)}; use one of {TypeList}";
            return false;
        }

        if (!TryParseKind(typeElement.GetString()!, out var kind))
        {
            error = $"{Child(root, TypeField)}: unknown cluster type \"{typeElement.GetString()}\"; use one of {TypeList} " +
                    "(or the wasm-go names StaticIpCluster, FQDNCluster, K8sCluster, NacosCluster, ConsulCluster, " +
                    "DnsCluster, TargetCluster, RouteCluster)";
            return false;
        }

        var (required, optional) = FieldsByKind[kind];
        var kindName = ConfigName(kind);

        foreach (var name in members.Keys)
        {
            if (name == TypeField || Array.IndexOf(required, name) >= 0 || Array.IndexOf(optional, name) >= 0)
            {
                continue;
            }

            var allowed = required.Concat(optional).ToArray();
            error = $"{Child(root, name)}: not a field of {kindName} clusters; remove it " +
                    (allowed.Length == 0 ? "(this type takes no other field)" : $"(this type takes {string.Join(", ", allowed)})");
            return false;
        }

        foreach (var name in required)
        {
            if (!members.ContainsKey(name))
            {
                error = $"{Child(root, name)}: missing; {kindName} clusters need {string.Join(", ", required)}";
                return false;
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        long port = 0;
        var isExt = false;
        foreach (var (name, value) in members)
        {
            var path = Child(root, name);
            switch (name)
            {
                case TypeField:
                    break;

                case PortField:
                    if (!TryReadPort(value, out port))
                    {
                        error = $"{path}: expected an integer 1-65535, got {Describe(value)}; write it as a number, e.g. \"port\": 8000";
                        return false;
                    }

                    break;

                case IsExtRegistryField:
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        error = $"{path}: expected true or false, got {Describe(value)}; " +
                                "set true only for EDAS/SAE registries (cluster name ends in .nacos-ext)";
                        return false;
                    }

                    isExt = value.GetBoolean();
                    break;

                default:
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        error = $"{path}: expected a string, got {Describe(value)}; quote the value";
                        return false;
                    }

                    var text = value.GetString()!;
                    if (text.Length == 0 && Array.IndexOf(required, name) >= 0)
                    {
                        error = $"{path}: must not be empty; {kindName} clusters need a {name}";
                        return false;
                    }

                    values[name] = text;
                    break;
            }
        }

        string Get(string name) => values.TryGetValue(name, out var v) ? v : "";

        spec = new HigressClusterSpec
        {
            Kind = kind,
            ServiceName = Get(ServiceNameField),
            Port = port,
            Host = Get(HostField),
            Fqdn = Get(FqdnField),
            Namespace = Get(NamespaceField),
            Version = Get(VersionField),
            Group = Get(GroupField),
            NamespaceId = Get(NamespaceIdField),
            IsExtRegistry = isExt,
            Datacenter = Get(DatacenterField),
            Domain = Get(DomainField),
            Cluster = Get(ClusterField),
        };
        error = null;
        return true;
    }

    /// <summary>
    /// Case-insensitive, and '_' / '-' are ignored so "static_ip", "StaticIP" and "static-ip" all work;
    /// the Go struct names are accepted because that is what plugin authors read in the SDK.
    /// </summary>
    private static bool TryParseKind(string text, out HigressClusterKind kind)
    {
        var key = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal)
            .Trim().ToLowerInvariant();
        if (key.EndsWith("cluster", StringComparison.Ordinal) && key.Length > "cluster".Length)
        {
            key = key[..^"cluster".Length];
        }

        switch (key)
        {
            case "staticip": kind = HigressClusterKind.StaticIp; return true;
            case "fqdn": kind = HigressClusterKind.Fqdn; return true;
            case "k8s": kind = HigressClusterKind.K8s; return true;
            case "nacos": kind = HigressClusterKind.Nacos; return true;
            case "consul": kind = HigressClusterKind.Consul; return true;
            case "dns": kind = HigressClusterKind.Dns; return true;
            case "target": kind = HigressClusterKind.Target; return true;
            case "route": kind = HigressClusterKind.Route; return true;
            default: kind = default; return false;
        }
    }

    private static string ConfigName(HigressClusterKind kind) => kind switch
    {
        HigressClusterKind.StaticIp => "static_ip",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static bool TryReadPort(JsonElement value, out long port)
    {
        port = 0;
        // TryGetInt64 rejects 80.5 and 1e2-style values that are not exact integers, which is what we want.
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out port) && port is >= 1 and <= 65535;
    }
}
