using System.Net;
using Gateway.Clusters.Configuration;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.Rbac;

/// <summary>Reads envoy.config.rbac.v3.RBAC: the action and the policies' permissions and principals.</summary>
internal static class RbacRulesReader
{
    public const string RbacType = "envoy.config.rbac.v3.RBAC";
    private const string PolicyType = "envoy.config.rbac.v3.Policy";
    private const string PermissionType = "envoy.config.rbac.v3.Permission";
    private const string PrincipalType = "envoy.config.rbac.v3.Principal";
    private const string CidrType = "envoy.config.core.v3.CidrRange";

    public static RbacRules Read(MessageReader rbac)
    {
        var action = rbac.Enum("action", RbacAction.Allow, RbacType + ".Action");
        rbac.Unsupported("audit_logging_options", "remove it; RBAC audit loggers are not run by this gateway");
        var policies = new List<RbacPolicy>();
        var node = rbac.Take("policies");
        if (node is YamlMappingNode map)
        {
            foreach (var (keyNode, valueNode) in map.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value ?? "";
                var path = rbac.Join("policies") + "." + name;
                if (valueNode is not YamlMappingNode policyNode)
                {
                    rbac.Context.Error(path, YamlMark.Of(valueNode), $"policy '{name}' must be a mapping with permissions and principals");
                    continue;
                }

                var policy = new MessageReader(rbac.Context, policyNode, path, PolicyType, rbac.RootType);
                var permissions = ReadList(policy, "permissions", PermissionType, Permission, name);
                var principals = ReadList(policy, "principals", PrincipalType, Principal, name);
                policy.Unsupported("condition", "CEL conditions are not evaluated by this gateway; express the rule with permissions and principals");
                policy.Unsupported("checked_condition", "CEL conditions are not evaluated by this gateway");
                policy.Finish();
                policies.Add(new RbacPolicy(name, new RbacMatcher.Or(permissions), new RbacMatcher.Or(principals)));
            }
        }
        else if (node is not null)
        {
            rbac.Context.Error(rbac.Join("policies"), YamlMark.Of(node), "policies must be a mapping from policy name to { permissions, principals }");
        }

        return new RbacRules(action, policies);
    }

    private static RbacMatcher[] ReadList(MessageReader policy, string field, string type, Func<MessageReader, RbacMatcher> read, string policyName)
    {
        var items = policy.Messages(field, type);
        if (items.Count == 0)
        {
            policy.Context.Error(policy.Join(field), policy.Mark,
                $"policy '{policyName}' needs at least one entry in {field} (Envoy: \"value must contain at least 1 item(s)\"); use - any: true to match everything");
        }

        return items.Select(read).ToArray();
    }

    private static RbacMatcher Permission(MessageReader permission)
    {
        RbacMatcher? result = null;
        var count = 0;
        void Set(RbacMatcher m)
        {
            result = m;
            count++;
        }

        if (permission.Has("any"))
        {
            Set(permission.Bool("any") ? RbacMatcher.Any.Instance : RbacMatcher.Never.Instance);
        }

        if (permission.Message("and_rules", PermissionType + ".Set") is { } and)
        {
            Set(new RbacMatcher.And(and.Messages("rules", PermissionType).Select(Permission).ToArray()));
            and.Finish();
        }

        if (permission.Message("or_rules", PermissionType + ".Set") is { } or)
        {
            Set(new RbacMatcher.Or(or.Messages("rules", PermissionType).Select(Permission).ToArray()));
            or.Finish();
        }

        if (permission.Message("not_rule", PermissionType) is { } not)
        {
            Set(new RbacMatcher.Not(Permission(not)));
        }

        if (permission.Message("header", HeaderMatcherReader.MessageType) is { } header)
        {
            Set(new RbacMatcher.Header(HeaderMatcherReader.Read(header)));
        }

        if (permission.Message("url_path", "envoy.type.matcher.v3.PathMatcher") is { } urlPath)
        {
            Set(UrlPath(urlPath));
        }

        if (permission.Integer("destination_port", 0, 65535) is { } port)
        {
            Set(new RbacMatcher.DestinationPort((int)port));
        }

        if (permission.Message("destination_port_range", "envoy.type.v3.Int32Range") is { } range)
        {
            var start = range.Integer("start", 0, 65536) ?? 0;
            var end = range.Integer("end", 0, 65536) ?? 0;
            range.Finish();
            Set(new RbacMatcher.DestinationPortRange((int)start, (int)end));
        }

        if (permission.Message("destination_ip", CidrType) is { } ip)
        {
            Set(new RbacMatcher.Address(RbacMatcher.AddressKind.Destination, Cidr(ip)));
        }

        foreach (var field in (ReadOnlySpan<string>)["metadata", "requested_server_name", "matcher", "uri_template", "sourced_metadata"])
        {
            if (permission.Has(field))
            {
                permission.Unsupported(field, "this gateway's RBAC matches any, header, url_path, destination_ip, destination_port(_range), and_rules, or_rules and not_rule");
                Set(RbacMatcher.Never.Instance);
            }
        }

        Check(permission, count, "permission");
        permission.Finish();
        return result ?? RbacMatcher.Never.Instance;
    }

    private static RbacMatcher Principal(MessageReader principal)
    {
        RbacMatcher? result = null;
        var count = 0;
        void Set(RbacMatcher m)
        {
            result = m;
            count++;
        }

        if (principal.Has("any"))
        {
            Set(principal.Bool("any") ? RbacMatcher.Any.Instance : RbacMatcher.Never.Instance);
        }

        if (principal.Message("and_ids", PrincipalType + ".Set") is { } and)
        {
            Set(new RbacMatcher.And(and.Messages("ids", PrincipalType).Select(Principal).ToArray()));
            and.Finish();
        }

        if (principal.Message("or_ids", PrincipalType + ".Set") is { } or)
        {
            Set(new RbacMatcher.Or(or.Messages("ids", PrincipalType).Select(Principal).ToArray()));
            or.Finish();
        }

        if (principal.Message("not_id", PrincipalType) is { } not)
        {
            Set(new RbacMatcher.Not(Principal(not)));
        }

        if (principal.Message("header", HeaderMatcherReader.MessageType) is { } header)
        {
            Set(new RbacMatcher.Header(HeaderMatcherReader.Read(header)));
        }

        if (principal.Message("url_path", "envoy.type.matcher.v3.PathMatcher") is { } urlPath)
        {
            Set(UrlPath(urlPath));
        }

        // Listeners here are plain TCP: remote_ip is the connection's peer, as direct_remote_ip (no x-forwarded-for rewriting of the downstream address).
        foreach (var field in (ReadOnlySpan<string>)["remote_ip", "direct_remote_ip", "source_ip"])
        {
            if (principal.Message(field, CidrType) is { } ip)
            {
                Set(new RbacMatcher.Address(field == "direct_remote_ip" ? RbacMatcher.AddressKind.DirectRemote : RbacMatcher.AddressKind.Remote, Cidr(ip)));
            }
        }

        if (principal.Message("authenticated", PrincipalType + ".Authenticated") is { } authenticated)
        {
            // No listener here terminates TLS with client certificates, so no request is authenticated: the principal never matches (as in Envoy without mTLS).
            authenticated.Accept("principal_name");
            authenticated.Finish();
            Set(RbacMatcher.Never.Instance);
        }

        foreach (var field in (ReadOnlySpan<string>)["metadata", "filter_state", "sourced_metadata", "custom"])
        {
            if (principal.Has(field))
            {
                principal.Unsupported(field, "this gateway's RBAC matches any, header, url_path, remote_ip, direct_remote_ip, authenticated, and_ids, or_ids and not_id");
                Set(RbacMatcher.Never.Instance);
            }
        }

        Check(principal, count, "principal");
        principal.Finish();
        return result ?? RbacMatcher.Never.Instance;
    }

    private static void Check(MessageReader reader, int count, string what)
    {
        if (count == 0)
        {
            reader.Context.Error(reader.Path, reader.Mark, $"a {what} needs one rule (Envoy: \"value is required\"), e.g. any: true");
        }
        else if (count > 1)
        {
            reader.Context.Error(reader.Path, reader.Mark, $"a {what} takes one rule, not {count} (they are a oneof); combine them with {(what == "permission" ? "and_rules" : "and_ids")}");
        }
    }

    private static RbacMatcher UrlPath(MessageReader pathMatcher)
    {
        var matcher = pathMatcher.Message("path", Gateway.Clusters.Configuration.StringMatcherReader.MessageType);
        pathMatcher.Finish();
        if (matcher is null)
        {
            pathMatcher.Context.Error(pathMatcher.Join("path"), pathMatcher.Mark, "url_path needs path (a string matcher)");
            return RbacMatcher.Never.Instance;
        }

        return new RbacMatcher.UrlPath(StringMatcherReader.Read(matcher));
    }

    private static IPNetwork Cidr(MessageReader cidr)
    {
        var prefix = cidr.RequiredString("address_prefix");
        var length = cidr.Integer("prefix_len", 0, 128);
        cidr.Finish();
        if (!IPAddress.TryParse(prefix, out var address))
        {
            cidr.Context.Error(cidr.Join("address_prefix"), cidr.MarkOf("address_prefix"), $"'{prefix}' is not an IP address");
            return new IPNetwork(IPAddress.None, 32);
        }

        var max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var bits = (int)Math.Min(length ?? max, max);
        // Envoy masks the address to the prefix length rather than refusing host bits.
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPNetwork(new IPAddress(bytes), bits);
    }
}
