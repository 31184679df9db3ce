using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MibcWriter;

/// <summary>
/// The assemblies the profile's names are resolved against: the gateway's build output and the shared frameworks
/// it ran on (the first directory that holds an assembly wins, so list the build output first).
/// </summary>
internal sealed class AssemblySet
{
    public const string CoreLib = "System.Private.CoreLib";

    static readonly Dictionary<string, PrimitiveTypeCode> Primitives = new(StringComparer.Ordinal)
    {
        ["System.Boolean"] = PrimitiveTypeCode.Boolean, ["System.Char"] = PrimitiveTypeCode.Char,
        ["System.SByte"] = PrimitiveTypeCode.SByte, ["System.Byte"] = PrimitiveTypeCode.Byte,
        ["System.Int16"] = PrimitiveTypeCode.Int16, ["System.UInt16"] = PrimitiveTypeCode.UInt16,
        ["System.Int32"] = PrimitiveTypeCode.Int32, ["System.UInt32"] = PrimitiveTypeCode.UInt32,
        ["System.Int64"] = PrimitiveTypeCode.Int64, ["System.UInt64"] = PrimitiveTypeCode.UInt64,
        ["System.Single"] = PrimitiveTypeCode.Single, ["System.Double"] = PrimitiveTypeCode.Double,
        ["System.IntPtr"] = PrimitiveTypeCode.IntPtr, ["System.UIntPtr"] = PrimitiveTypeCode.UIntPtr,
        ["System.Object"] = PrimitiveTypeCode.Object, ["System.String"] = PrimitiveTypeCode.String,
        ["System.TypedReference"] = PrimitiveTypeCode.TypedReference, ["System.Void"] = PrimitiveTypeCode.Void,
    };

    readonly Dictionary<string, LoadedAssembly> _assemblies = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, List<DefinedType>> _byName = new(StringComparer.Ordinal);

    public AssemblySet(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            foreach (var file in Directory.GetFiles(directory, "*.dll").Order(StringComparer.Ordinal))
            {
                var pe = new PEReader(File.OpenRead(file));
                if (!pe.HasMetadata || !pe.GetMetadataReader().IsAssembly) { pe.Dispose(); continue; }
                var reader = pe.GetMetadataReader();
                var name = reader.GetString(reader.GetAssemblyDefinition().Name);
                if (_assemblies.ContainsKey(name)) { pe.Dispose(); continue; }
                var assembly = new LoadedAssembly(name, pe);
                _assemblies[name] = assembly;
                foreach (var handle in reader.TypeDefinitions)
                {
                    var full = FullName(reader, handle);
                    assembly.Types[full] = handle;
                    if (!_byName.TryGetValue(full, out var list)) _byName[full] = list = [];
                    list.Add(new DefinedType(assembly, handle));
                }
            }
        }
    }

    public int Count => _assemblies.Count;

    public static PrimitiveTypeCode? PrimitiveCode(string fullName) => Primitives.TryGetValue(fullName, out var code) ? code : null;

    public static string PrimitiveName(PrimitiveTypeCode code) => Primitives.First(p => p.Value == code).Key;

    public static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        if (type.IsNested) return FullName(reader, type.GetDeclaringType()) + "+" + name;
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    static string FullName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference) return FullName(reader, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>The definition of a full type name: in the named assembly when it defines it (a reference through a
    /// facade names the facade, so otherwise wherever it is defined, CoreLib first).</summary>
    public DefinedType? Find(string fullName, string? assemblyName)
    {
        if (assemblyName != null && _assemblies.TryGetValue(assemblyName, out var assembly) && assembly.Types.TryGetValue(fullName, out var handle))
            return new DefinedType(assembly, handle);
        if (!_byName.TryGetValue(fullName, out var candidates)) return null;
        return candidates.Find(c => c.Assembly.Name == CoreLib) ?? candidates[0];
    }

    public DefinedType CoreLibType(string fullName) =>
        Find(fullName, CoreLib) ?? throw new UnresolvableException($"{fullName} is not in {CoreLib}");

    public DefinedType Resolve(LoadedAssembly from, TypeReferenceHandle handle)
    {
        var reader = from.Reader;
        var full = FullName(reader, handle);
        var scope = reader.GetTypeReference(handle).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference) scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        var assemblyName = scope.Kind == HandleKind.AssemblyReference
            ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)
            : from.Name;
        return Find(full, assemblyName) ?? throw new UnresolvableException($"type {full} ({assemblyName}) not found");
    }

    public static bool IsValueType(DefinedType type)
    {
        var reader = type.Assembly.Reader;
        var definition = reader.GetTypeDefinition(type.Handle);
        if (definition.BaseType.IsNil) return false; // interfaces and System.Object
        var baseName = definition.BaseType.Kind switch
        {
            HandleKind.TypeReference => FullName(reader, (TypeReferenceHandle)definition.BaseType),
            HandleKind.TypeDefinition => FullName(reader, (TypeDefinitionHandle)definition.BaseType),
            _ => "",
        };
        return baseName == "System.Enum" || (baseName == "System.ValueType" && FullName(reader, type.Handle) != "System.Enum");
    }

    /// <summary>A type as the runtime prints it (TypeString: namespace, nested with '+', generic arguments in
    /// brackets, with or without assembly names).</summary>
    public TypeShape FromTypeName(TypeName name)
    {
        if (name.IsSZArray) return new SzArrayType(FromTypeName(name.GetElementType()));
        if (name.IsArray) return new MdArrayType(FromTypeName(name.GetElementType()), new ArrayShape(name.GetArrayRank(), [], []));
        if (name.IsPointer) return new PointerType(FromTypeName(name.GetElementType()));
        if (name.IsByRef) return new ByRefType(FromTypeName(name.GetElementType()));
        if (name.IsConstructedGenericType)
        {
            var definition = FromTypeName(name.GetGenericTypeDefinition()) as DefinedType
                ?? throw new UnresolvableException($"{name.FullName}: its generic definition is not a defined type");
            return new GenericInstance(definition, name.GetGenericArguments().Select(FromTypeName).ToImmutableArray());
        }
        var full = name.FullName;
        if (full == "System.__Canon") return new CanonType();
        if (PrimitiveCode(full) is { } code) return new PrimitiveType(code);
        return Find(full, name.AssemblyName?.Name) ?? throw new UnresolvableException($"type {full} not found");
    }
}
