using YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Conformance;

/// <summary>
/// Makes an example envoy.yaml runnable in a test: every listener and the admin move to 127.0.0.1
/// port 0, and every cluster endpoint (docker-compose host names in the examples) to 127.0.0.1 and
/// the port the test chooses for that cluster. Everything else is left as written.
/// </summary>
public static class LocalRewriter
{
    public static string Rewrite(string yaml, Func<string, int> clusterPort)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (Child(root, "admin") is YamlMappingNode admin)
        {
            Local(admin, 0);
        }

        var resources = (YamlMappingNode)root["static_resources"];
        if (Child(resources, "listeners") is YamlSequenceNode listeners)
        {
            foreach (var listener in listeners.Children.OfType<YamlMappingNode>())
            {
                Local(listener, 0);
            }
        }

        if (Child(resources, "clusters") is YamlSequenceNode clusters)
        {
            foreach (var cluster in clusters.Children.OfType<YamlMappingNode>())
            {
                var port = clusterPort(((YamlScalarNode)cluster["name"]).Value!);
                if (Child(cluster, "load_assignment") is YamlMappingNode assignment && Child(assignment, "endpoints") is YamlSequenceNode endpoints)
                {
                    foreach (var locality in endpoints.Children.OfType<YamlMappingNode>())
                    {
                        if (Child(locality, "lb_endpoints") is YamlSequenceNode lbEndpoints)
                        {
                            foreach (var lb in lbEndpoints.Children.OfType<YamlMappingNode>())
                            {
                                Local((YamlMappingNode)lb["endpoint"], port);
                            }
                        }
                    }
                }
            }
        }

        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static void Local(YamlMappingNode owner, int port)
    {
        var socket = (YamlMappingNode)((YamlMappingNode)owner["address"])["socket_address"];
        socket.Children[new YamlScalarNode("address")] = new YamlScalarNode("127.0.0.1");
        socket.Children[new YamlScalarNode("port_value")] = new YamlScalarNode(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
