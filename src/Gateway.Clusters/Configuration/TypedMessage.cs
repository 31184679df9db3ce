namespace Gateway.Clusters.Configuration;

/// <summary>The content of a google.protobuf.Any: its type name and a reader over its fields.</summary>
/// <param name="TypeName">Full proto name, e.g. <c>envoy.extensions.filters.http.router.v3.Router</c>.</param>
/// <param name="WasTypedStruct">True when written as a TypedStruct (type_url + value), as Higress does.</param>
public sealed record TypedMessage(string TypeName, MessageReader Reader, bool WasTypedStruct);
