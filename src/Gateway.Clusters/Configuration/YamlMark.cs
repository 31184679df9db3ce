namespace Gateway.Clusters.Configuration;

/// <summary>A 1-based line and column in the config file; (0, 0) when not known.</summary>
public readonly record struct YamlMark(int Line, int Column)
{
    public static readonly YamlMark None = new(0, 0);

    public static YamlMark Of(YamlDotNet.RepresentationModel.YamlNode node) =>
        new((int)node.Start.Line, (int)node.Start.Column);
}
