namespace Gateway.Clusters.Model;

/// <summary>Envoy's HeaderValueOption.HeaderAppendAction (the legacy <c>append: false</c> is OverwriteIfExistsOrAdd).</summary>
public enum HeaderAppendAction
{
    AppendIfExistsOrAdd,
    AddIfAbsent,
    OverwriteIfExistsOrAdd,
    OverwriteIfExists,
}
