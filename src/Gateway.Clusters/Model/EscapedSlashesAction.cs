namespace Gateway.Clusters.Model;

/// <summary>
/// The HCM's path_with_escaped_slashes_action: what to do with a path holding %2F, %2f, %5C or %5c.
/// Envoy's IMPLEMENTATION_SPECIFIC_DEFAULT is KEEP_UNCHANGED (runtime
/// <c>http_connection_manager.path_with_escaped_slashes_action</c> unset).
/// </summary>
public enum EscapedSlashesAction
{
    ImplementationSpecificDefault,
    KeepUnchanged,
    RejectRequest,
    UnescapeAndRedirect,
    UnescapeAndForward,
}
