using System.Collections.Immutable;
using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Gateway.Tests.Support;

namespace Gateway.Tests.Packaging;

/// <summary>
/// The Native AOT publish compiles with src/Gateway/Aot/gateway.mibc (static PGO, made by bench/aot-pgo.sh through
/// bench/MibcWriter): without it the AOT build spent 1.10-1.25x the JIT build's CPU per request. These read the file
/// as the AOT compiler does (a zip holding an IL-only assembly whose AssemblyDictionary names the method groups, each
/// group's IL naming profiled methods by member reference) and check it still describes today's gateway.
/// </summary>
public class AotProfileTests
{
    private const string ProfileFile = "src/Gateway/Aot/gateway.mibc";

    [Fact]
    public void The_profile_is_wired_into_the_AOT_publish()
    {
        var project = XDocument.Load(RepositoryFiles.PathOf("src/Gateway/Gateway.csproj"));
        var mibc = project.Descendants("AotMibc").Single();
        Assert.Equal("$(MSBuildThisFileDirectory)Aot/gateway.mibc", mibc.Value);
        var item = project.Descendants("MibcFile").Single();
        Assert.Equal("$(AotMibc)", item.Attribute("Include")!.Value);
        foreach (var condition in new[] { mibc.Parent!, item.Parent! }.Select(e => e.Attribute("Condition")!.Value))
        {
            Assert.Contains("'$(PublishAot)' == 'true'", condition, StringComparison.Ordinal);
            Assert.Contains("'$(AotPgo)' != 'false'", condition, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_profile_names_the_request_path_of_this_gateway()
    {
        var methods = ProfiledMethods();
        Assert.True(methods.Count > 1000, $"{ProfileFile} profiles {methods.Count} methods: regenerate it with bench/aot-pgo.sh");

        // The gateway's own methods in the profile still exist (same type, same name): a profile of code that has
        // since moved on is ignored method by method, so the AOT build silently loses speed.
        var gateway = typeof(Gateway.Proxy.ProxyHandler).Assembly;
        var own = methods.Where(m => m.Assembly == gateway.GetName().Name).ToList();
        Assert.True(own.Count > 50, $"{ProfileFile} profiles only {own.Count} of the gateway's own methods");
        var present = own.Count(m => gateway.GetType(m.Type) is { } t
            && t.GetMember(m.Name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Length > 0);
        Assert.True(present >= own.Count * 8 / 10,
            $"{present} of the {own.Count} gateway methods in {ProfileFile} exist today: regenerate it with bench/aot-pgo.sh");

        // The request path itself: the proxy handler's state machines and the codec's request guard.
        Assert.Contains(own, m => m.Type.StartsWith("Gateway.Proxy.ProxyHandler+<HandleAsync>", StringComparison.Ordinal) && m.Name == "MoveNext");
        Assert.Contains(own, m => m.Type == "Gateway.Proxy.EnvoyHttpTransformer");
        Assert.Contains(methods, m => m.Assembly == "Yarp.ReverseProxy" && m.Type.StartsWith("Yarp.ReverseProxy.Forwarder.HttpForwarder", StringComparison.Ordinal));
    }

    private sealed record ProfiledMethod(string Assembly, string Type, string Name);

    private static List<ProfiledMethod> ProfiledMethods()
    {
        var path = RepositoryFiles.PathOf(ProfileFile);
        Assert.True(File.Exists(path), $"{ProfileFile} is missing: make it with bench/aot-pgo.sh");
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.GetEntry("gateway.mibc.dll");
        Assert.True(entry != null, $"{ProfileFile} is not a zipped .mibc (no gateway.mibc.dll inside)");
        using var image = new MemoryStream();
        using (var stream = entry!.Open()) stream.CopyTo(image);
        using var pe = new PEReader(image.ToArray().ToImmutableArray());
        var reader = pe.GetMetadataReader();

        var dictionary = reader.MethodDefinitions.Select(reader.GetMethodDefinition)
            .Single(m => reader.GetString(m.Name) == "AssemblyDictionary");
        var groups = Tokens(pe, reader, dictionary).Where(t => t.Kind == HandleKind.MethodDefinition).ToList();
        Assert.NotEmpty(groups);

        var methods = new List<ProfiledMethod>();
        foreach (var group in groups)
        {
            foreach (var token in Tokens(pe, reader, reader.GetMethodDefinition((MethodDefinitionHandle)group)))
            {
                if (token.Kind != HandleKind.MemberReference) continue;
                var member = reader.GetMemberReference((MemberReferenceHandle)token);
                var parent = member.Parent;
                if (parent.Kind == HandleKind.TypeSpecification) continue; // generic instances: named by their definition elsewhere
                var (assembly, type) = TypeName(reader, (TypeReferenceHandle)parent);
                methods.Add(new ProfiledMethod(assembly, type, reader.GetString(member.Name)));
            }
        }
        return methods;
    }

    // The tokens a method's IL loads (ldtoken), walking the only opcodes a .mibc uses.
    private static IEnumerable<EntityHandle> Tokens(PEReader pe, MetadataReader reader, MethodDefinition method)
    {
        var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
        while (il.RemainingBytes > 0)
        {
            var opcode = (ILOpCode)il.ReadByte();
            switch (opcode)
            {
                case ILOpCode.Ldtoken: yield return (EntityHandle)MetadataTokens.Handle(il.ReadInt32()); break;
                case ILOpCode.Ldstr: il.ReadInt32(); break;
                case ILOpCode.Ldc_i8: il.ReadInt64(); break;
                case ILOpCode.Ldc_r8: il.ReadDouble(); break;
                case ILOpCode.Ldc_i4: il.ReadInt32(); break;
                case ILOpCode.Pop or ILOpCode.Ret: break;
                default: throw new Xunit.Sdk.XunitException($"{ProfileFile}: IL opcode {opcode} in {reader.GetString(method.Name)} is not one a .mibc uses: the file is damaged or not from bench/MibcWriter; regenerate it with bench/aot-pgo.sh");
            }
        }
    }

    private static (string Assembly, string Type) TypeName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            var (assembly, outer) = TypeName(reader, (TypeReferenceHandle)type.ResolutionScope);
            return (assembly, outer + "+" + name);
        }
        var ns = reader.GetString(type.Namespace);
        var scope = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name);
        return (scope, ns.Length == 0 ? name : ns + "." + name);
    }
}
