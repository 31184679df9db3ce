namespace Gateway.Clusters.Configuration;

/// <summary>
/// One field of an Envoy v3 proto message, as the field catalog knows it.
/// </summary>
/// <param name="Name">The proto (snake_case) name, as written in YAML.</param>
/// <param name="Number">The proto field number; 0 when the field is newer than the API snapshot the catalog was read from.</param>
/// <param name="Type">A scalar type (<c>string</c>, <c>uint32</c>, ...), or the full name of a message or enum.</param>
/// <param name="IsEnum">True when <paramref name="Type"/> names an enum.</param>
/// <param name="IsRepeated">A list (<c>repeated</c>).</param>
/// <param name="IsMap">A <c>map&lt;K, V&gt;</c>; <paramref name="Type"/> is then <c>map&lt;K,V&gt;</c>.</param>
/// <param name="IsNewer">Absent from the API snapshot in <c>@grpc/grpc-js-xds</c> (the drift test's reference), added to Envoy later.</param>
/// <param name="IsInert">Accepted and ignored: no effect a client of this gateway could observe (see the README).</param>
public sealed record EnvoyField(
    string Name,
    int Number,
    string Type,
    bool IsEnum,
    bool IsRepeated,
    bool IsMap,
    bool IsNewer,
    bool IsInert);
