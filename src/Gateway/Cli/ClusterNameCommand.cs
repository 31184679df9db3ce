using System.Text.Json;
using Gateway.Clusters.Naming;

namespace Gateway.Cli;

/// <summary>
/// <c>Gateway cluster-name '&lt;cluster JSON&gt;'</c>: answers the seed's "how do I know the cluster name"
/// question. Prints the name wasm-go would dispatch to, then the envoy.yaml cluster entry to paste, so
/// the two can never disagree.
/// </summary>
public static class ClusterNameCommand
{
    private const string Example = "{\"type\": \"static_ip\", \"service_name\": \"172.22.220.21\", \"port\": 8000}";

    /// <param name="json">The same object as the http-call filter's <c>cluster</c>.</param>
    /// <returns>0 on success; 1 with one line on <paramref name="stderr"/> for bad input.</returns>
    public static int Run(string json, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (string.IsNullOrWhiteSpace(json))
        {
            stderr.WriteLine($"cluster-name: give the cluster as JSON, e.g. Gateway cluster-name '{Example}'");
            return 1;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            stderr.WriteLine($"cluster-name: invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}; " +
                             $"expected an object such as '{Example}'");
            return 1;
        }

        using (document)
        {
            if (!HigressClusterSpecParser.TryParse(document.RootElement, "$", out var spec, out var error))
            {
                stderr.WriteLine($"cluster-name: {error}");
                return 1;
            }

            var name = HigressClusterNaming.ClusterName(spec!);
            stdout.WriteLine(name);
            stdout.WriteLine();
            if (spec!.Kind is HigressClusterKind.Target or HigressClusterKind.Route)
            {
                // These name an existing cluster rather than a place; there is no address to put in a snippet.
                stdout.WriteLine(spec.Kind == HigressClusterKind.Route
                    ? "# a route cluster is the cluster of the route the request matched; define that route's cluster as usual"
                    : $"# a target cluster uses the cluster named '{name}' as is; define it with your service's address");
                return 0;
            }

            stdout.WriteLine("# add under static_resources.clusters in envoy.yaml:");
            stdout.Write(EnvoyClusterSnippet.For(spec));
            return 0;
        }
    }
}
