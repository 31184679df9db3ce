using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// <c>--config-yaml</c> over <c>-c</c>, as Envoy merges them (protobuf MergeFrom of the parsed bootstrap):
/// a mapping present in both is merged field by field, a list is appended to, anything else is replaced.
/// </summary>
public static class YamlOverlay
{
    public static void MergeInto(YamlMappingNode target, YamlMappingNode overlay)
    {
        foreach (var (key, value) in overlay.Children)
        {
            if (!target.Children.TryGetValue(key, out var existing))
            {
                target.Children[key] = value;
                continue;
            }

            switch (existing, value)
            {
                case (YamlMappingNode a, YamlMappingNode b):
                    MergeInto(a, b);
                    break;
                case (YamlSequenceNode a, YamlSequenceNode b):
                    foreach (var item in b.Children)
                    {
                        a.Children.Add(item);
                    }

                    break;
                default:
                    target.Children[key] = value;
                    break;
            }
        }
    }

    /// <summary>The merged tree as YAML text (what /config_dump renders from).</summary>
    public static string ToText(YamlMappingNode root)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
