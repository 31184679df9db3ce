using Gateway.Clusters.Model;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// One path_config_source file: a DiscoveryResponse (YAML or JSON) whose <c>resources</c> are typed
/// Listener / Cluster messages. Its findings name the file itself; the caller includes them in the
/// bootstrap's load once the resources are read.
/// </summary>
internal sealed class DiscoveryFile
{
    private const string DiscoveryResponseType = "envoy.service.discovery.v3.DiscoveryResponse";

    private DiscoveryFile(string path, string text, ConfigLoadContext context, string version, IReadOnlyList<MessageReader> resources)
    {
        Path = path;
        Text = text;
        Context = context;
        Version = version;
        Resources = resources;
    }

    public string Path { get; }

    public string Text { get; }

    public ConfigLoadContext Context { get; }

    public string Version { get; }

    /// <summary>Readers over each resource of the expected type.</summary>
    public IReadOnlyList<MessageReader> Resources { get; }

    public DynamicResourceFile ToModel(string kind) => new(Path, kind, Version, Text);

    /// <summary>Reads <paramref name="source"/>'s file; null (with an error in <paramref name="owner"/>) when it cannot be read.</summary>
    public static DiscoveryFile? Read(FileConfigSource source, string resourceType, ConfigLoadContext owner, string ownerPath)
    {
        string text;
        owner.ReferencedFiles.Add(source.Path);
        try
        {
            text = File.ReadAllText(source.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            owner.Error(ownerPath, YamlMark.None, $"cannot read '{source.Path}': {e.Message.TrimEnd('.')}; the path_config_source file must exist");
            return null;
        }

        var context = new ConfigLoadContext(source.Path, owner.IgnoreUnsupported);
        var root = YamlDocumentReader.Parse(text, context) ?? new YamlMappingNode();
        var response = new MessageReader(context, root, "", DiscoveryResponseType, DiscoveryResponseType);
        var version = response.String("version_info") ?? "";
        response.Accept("type_url");
        response.Accept("nonce");
        response.Accept("canary");
        response.Accept("control_plane");
        var resources = new List<MessageReader>();
        var node = response.Take("resources");
        var items = node switch
        {
            YamlSequenceNode sequence => sequence.Children.ToList(),
            YamlMappingNode single => [single],
            _ => [],
        };
        for (var i = 0; i < items.Count; i++)
        {
            var typed = response.AnyOf($"resources[{i}]", items[i]);
            if (typed is null)
            {
                continue;
            }

            if (typed.TypeName != resourceType)
            {
                context.Error($"resources[{i}]", YamlMark.Of(items[i]), $"a {typed.TypeName} in a file of {resourceType} resources; put each kind in the file its config source names");
                continue;
            }

            resources.Add(typed.Reader);
        }

        response.Finish();
        return new DiscoveryFile(source.Path, text, context, version, resources);
    }
}
