using Gateway.Clusters.Configuration;
using Xunit.Abstractions;

namespace Gateway.Tests.Configuration;

/// <summary>
/// The field catalog cannot drift from Envoy's API silently: every message in it is compared, field by
/// field (name, number, type, list or map), with the protos that <c>@grpc/grpc-js-xds</c> ships. A field
/// the catalog has and that snapshot lacks must be marked <c>newer</c> (added to Envoy since).
/// </summary>
public sealed class EnvoyFieldCatalogProtoTests(ITestOutputHelper output)
{
    /// <summary>Fields the snapshot still has and current Envoy has made <c>reserved</c> (removed).</summary>
    private static readonly HashSet<string> RemovedSince = new(StringComparer.Ordinal)
    {
        // not-implemented-hide in the snapshot; reserved 8 / "on_demand_configuration" in Envoy main.
        "envoy.config.listener.v3.FilterChain.on_demand_configuration",
    };

    [EnvoyApiProtosFact]
    public void Catalog_matches_envoys_api_protos()
    {
        var schema = ProtoSchema.Load(System.IO.Directory.EnumerateFiles(EnvoyApiProtos.Directory!, "*.proto", SearchOption.AllDirectories));
        var problems = new List<string>();
        var fieldsChecked = 0;
        var newer = 0;
        foreach (var message in EnvoyFieldCatalog.MessageTypes.Order(StringComparer.Ordinal))
        {
            if (!schema.TryGetFields(message, out var protoFields))
            {
                problems.Add($"{message}: not a message in Envoy's API protos (misspelt type name?)");
                continue;
            }

            var catalog = EnvoyFieldCatalog.Fields(message).ToDictionary(f => f.Name, StringComparer.Ordinal);
            foreach (var proto in protoFields)
            {
                fieldsChecked++;
                if (!catalog.TryGetValue(proto.Name, out var field))
                {
                    if (RemovedSince.Contains(message + "." + proto.Name))
                    {
                        continue;
                    }

                    problems.Add($"{message}.{proto.Name}: in the protos ({proto.Number} {proto.Type}), missing from the catalog, so a real field would be refused as unknown");
                    continue;
                }

                var protoType = schema.IsEnum(proto.Type) ? "enum:" + proto.Type : proto.Type;
                var catalogType = field.IsEnum ? "enum:" + field.Type : field.Type;
                if (field.Number != proto.Number || catalogType != protoType || field.IsRepeated != (proto.Label == "repeated"))
                {
                    problems.Add($"{message}.{proto.Name}: catalog says {field.Number} {catalogType}{(field.IsRepeated ? " repeated" : "")}, " +
                                 $"the protos {proto.Number} {protoType}{(proto.Label == "repeated" ? " repeated" : "")}");
                }

                if (field.IsNewer)
                {
                    problems.Add($"{message}.{proto.Name}: marked newer, but the protos have it; drop the mark");
                }
            }

            var protoNames = protoFields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var field in catalog.Values.Where(f => !protoNames.Contains(f.Name)))
            {
                if (field.IsNewer)
                {
                    newer++;
                }
                else
                {
                    problems.Add($"{message}.{field.Name}: in the catalog but not in the protos; mark it newer only if Envoy added it since, else remove it");
                }
            }
        }

        output.WriteLine($"{EnvoyFieldCatalog.MessageTypes.Count()} messages, {fieldsChecked} proto fields compared, {newer} catalog fields newer than the snapshot");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(fieldsChecked > 500, $"only {fieldsChecked} fields compared; the proto reader is missing fields");
    }
}
