using YamlDotNet.RepresentationModel;

namespace Gateway.Testing;

/// <summary>Sets every listener's and the admin's <c>port_value</c> to 0, so each gets a free port for the test.</summary>
internal static class TestPorts
{
    public static string Pick(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return yaml; // the loader reports what is wrong with it
        }

        if (Child(root, "admin") is YamlMappingNode admin)
        {
            ZeroPort(Child(admin, "address"));
        }

        if (Child(root, "static_resources") is YamlMappingNode resources && Child(resources, "listeners") is YamlSequenceNode listeners)
        {
            foreach (var listener in listeners.Children.OfType<YamlMappingNode>())
            {
                ZeroPort(Child(listener, "address"));
            }
        }

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static void ZeroPort(YamlNode? address)
    {
        if (address is YamlMappingNode mapping && Child(mapping, "socket_address") is YamlMappingNode socket
            && socket.Children.ContainsKey(new YamlScalarNode("port_value")))
        {
            socket.Children[new YamlScalarNode("port_value")] = new YamlScalarNode("0");
        }
    }
}
