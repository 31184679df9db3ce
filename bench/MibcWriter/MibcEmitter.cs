using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MibcWriter;

/// <summary>
/// Writes a .mibc: the profile format crossgen2 and the Native AOT compiler read (ILC's --mibc). It is an IL-only
/// assembly whose global method <c>AssemblyDictionary</c> lists groups (<c>ldstr name; ldtoken groupMethod; pop</c>);
/// a group method's IL describes each profiled method as <c>ldtoken method</c>, then
/// <c>ldstr "InstrumentationDataStart"</c>, the schema as a stream of values (<c>ldc.i8</c> numbers, <c>ldtoken</c>
/// types), <c>ldstr "InstrumentationDataEnd"</c> and <c>pop</c>. The stream is uncompressed: per record the mask 0xF
/// (all four fields follow), IL offset, kind, count, other, then its entries. Methods and types are member and type
/// references into the profiled assemblies, so the compiler resolves them by name and signature. The file is
/// written zipped (the readers accept a zip holding <c>NAME.dll</c>), deterministic for the same input.
/// </summary>
internal sealed class MibcEmitter
{
    readonly AssemblySet _assemblies;
    readonly MetadataBuilder _metadata = new();
    readonly InstructionEncoder _group = new(new BlobBuilder());
    readonly Dictionary<string, AssemblyReferenceHandle> _assemblyRefs = new(StringComparer.Ordinal);
    readonly Dictionary<DefinedType, TypeReferenceHandle> _typeRefs = [];
    readonly Dictionary<string, EntityHandle> _typesByName = new(StringComparer.Ordinal);
    readonly TypeReferenceHandle _canon;

    public MibcEmitter(AssemblySet assemblies)
    {
        _assemblies = assemblies;
        _metadata.AddModule(0, _metadata.GetOrAddString("gateway.mibc.dll"), _metadata.GetOrAddGuid(new Guid("8c1f2d0e-6a55-4c3e-9d2b-5b0f7d1e0a11")), default, default);
        _metadata.AddAssembly(_metadata.GetOrAddString("gateway.mibc"), new Version(1, 0, 0, 0), default, default, 0, AssemblyHashAlgorithm.None);
        _metadata.AddTypeDefinition(default, default, _metadata.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        // The readers map this assembly name to their canonical (shared generic code) type.
        var canonScope = _metadata.AddAssemblyReference(_metadata.GetOrAddString("System.Private.Canon"), new Version(0, 0, 0, 0), default, default, 0, default);
        _canon = _metadata.AddTypeReference(canonScope, _metadata.GetOrAddString("System"), _metadata.GetOrAddString("__Canon"));
    }

    public int Methods { get; private set; }

    public int UnknownTypes { get; private set; }

    /// <summary>Adds one method's profile, or throws <see cref="UnresolvableException"/> (nothing written).</summary>
    public void Add(PgoMethodProfile profile)
    {
        var method = ResolveMethod(profile);
        var values = new List<(long Number, EntityHandle Type)>();
        var schema = profile.Schema;
        for (int i = 0; i < schema.Count; i++)
        {
            var e = schema[i];
            // Delegate/method-handle histograms and the count that heads each: older readers cannot parse them.
            if (e.Marshal == PgoSchemaElement.MethodHandle) continue;
            if (e.Kind == PgoSchemaElement.TypeHistogramCountKind && i + 1 < schema.Count && schema[i + 1].Marshal == PgoSchemaElement.MethodHandle) continue;
            values.Add((0xF, default));
            values.Add((e.ILOffset, default));
            values.Add((e.Kind, default));
            values.Add((e.Count, default));
            values.Add((e.Other, default));
            for (int entry = 0; entry < e.Count; entry++)
            {
                switch (e.Marshal)
                {
                    // The readers take a four-byte count as an int.
                    case PgoSchemaElement.FourByte: values.Add(((long)Math.Min(e.Number(entry), int.MaxValue), default)); break;
                    case PgoSchemaElement.EightByte: values.Add((unchecked((long)e.Number(entry)), default)); break;
                    case PgoSchemaElement.TypeHandle: values.Add(TypeEntry(e.Entries[entry]["TypeHandle: ".Length..])); break;
                    default: break;
                }
            }
        }
        _group.OpCode(ILOpCode.Ldtoken);
        _group.Token(method);
        _group.LoadString(_metadata.GetOrAddUserString("InstrumentationDataStart"));
        foreach (var (number, type) in values)
        {
            if (!type.IsNil) { _group.OpCode(ILOpCode.Ldtoken); _group.Token(type); }
            else { _group.OpCode(ILOpCode.Ldc_i8); _group.CodeBuilder.WriteInt64(number); }
        }
        _group.LoadString(_metadata.GetOrAddUserString("InstrumentationDataEnd"));
        _group.OpCode(ILOpCode.Pop);
        Methods++;
    }

    // NULL is 0; a type the assemblies do not define is a token-less small number, which the readers take as
    // "unknown type" (it still counts in the histogram, so the likely class keeps its true share).
    (long, EntityHandle) TypeEntry(string name)
    {
        if (name == "NULL") return (0, default);
        if (name != "UNKNOWN")
        {
            if (_typesByName.TryGetValue(name, out var known)) return (0, known);
            try
            {
                if (TypeName.TryParse(name, out var parsed)) return (0, _typesByName[name] = TypeToken(_assemblies.FromTypeName(parsed)));
            }
            catch (UnresolvableException) { }
        }
        UnknownTypes++;
        return (1, default);
    }

    public void Save(string path)
    {
        var voidSignature = new BlobBuilder();
        new BlobEncoder(voidSignature).MethodSignature().Parameters(0, r => r.Void(), _ => { });
        var signature = _metadata.GetOrAddBlob(voidSignature);
        var il = new BlobBuilder();
        var bodies = new MethodBodyStreamEncoder(il);
        _group.OpCode(ILOpCode.Ret);
        var groupMethod = _metadata.AddMethodDefinition(MethodAttributes.Public | MethodAttributes.Static, MethodImplAttributes.IL,
            _metadata.GetOrAddString("Profile"), signature, bodies.AddMethodBody(_group, maxStack: 8), MetadataTokens.ParameterHandle(1));
        var dictionary = new InstructionEncoder(new BlobBuilder());
        dictionary.LoadString(_metadata.GetOrAddUserString("Gateway"));
        dictionary.OpCode(ILOpCode.Ldtoken);
        dictionary.Token(groupMethod);
        dictionary.OpCode(ILOpCode.Pop);
        dictionary.OpCode(ILOpCode.Ret);
        _metadata.AddMethodDefinition(MethodAttributes.Public | MethodAttributes.Static, MethodImplAttributes.IL,
            _metadata.GetOrAddString("AssemblyDictionary"), signature, bodies.AddMethodBody(dictionary, maxStack: 8), MetadataTokens.ParameterHandle(1));
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(_metadata), il, flags: CorFlags.ILOnly,
            deterministicIdProvider: _ => new BlobContentId(new Guid("5d2c4b1a-0f3e-4a6b-8c7d-9e0f1a2b3c4d"), 0x5EED));
        var image = new BlobBuilder();
        pe.Serialize(image);
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        var entry = zip.CreateEntry(Path.GetFileName(path) + ".dll", CompressionLevel.Optimal);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var stream = entry.Open();
        image.WriteContentTo(stream);
    }

    EntityHandle ResolveMethod(PgoMethodProfile profile)
    {
        // "Namespace.Type`1+Nested[Args].Method": the type is the longest prefix, ending at a '.' outside brackets,
        // that names a type (method names hold dots too: .ctor, explicit interface implementations).
        var name = profile.MethodName;
        foreach (var dot in TopLevelDots(name).Reverse())
        {
            if (dot == 0 || !TypeName.TryParse(name.AsSpan(0, dot), out var typeName)) continue;
            TypeShape owner;
            try { owner = _assemblies.FromTypeName(typeName); }
            catch (UnresolvableException) { continue; }
            if (owner is PrimitiveType primitive) owner = _assemblies.CoreLibType(AssemblySet.PrimitiveName(primitive.Code));
            var definition = owner switch { DefinedType d => d, GenericInstance g => g.Definition, _ => null };
            if (definition == null) continue;
            var methodName = name[(dot + 1)..];
            var handle = FindMethod(definition, methodName, profile);
            var method = definition.Assembly.Reader.GetMethodDefinition(handle);
            var decoded = method.DecodeSignature(new TypeShapeProvider(_assemblies, definition.Assembly), null);
            var blob = new BlobBuilder();
            new BlobEncoder(blob).MethodSignature(decoded.Header.CallingConvention, decoded.GenericParameterCount, decoded.Header.IsInstance)
                .Parameters(decoded.ParameterTypes.Length, out var returnType, out var parameters);
            EncodeReturn(returnType, decoded.ReturnType);
            foreach (var parameter in decoded.ParameterTypes) EncodeParameter(parameters.AddParameter(), parameter);
            var parent = owner is GenericInstance ? TypeToken(owner) : TypeRef(definition);
            return _metadata.AddMemberReference(parent, _metadata.GetOrAddString(methodName), _metadata.GetOrAddBlob(blob));
        }
        throw new UnresolvableException("no loaded assembly defines its type");
    }

    // The method of that name whose IL is as long as the profiled one's (a changed method's profile would describe
    // other IL), then, among overloads, the one with as many parameters as the printed signature.
    static MethodDefinitionHandle FindMethod(DefinedType owner, string methodName, PgoMethodProfile profile)
    {
        var reader = owner.Assembly.Reader;
        var candidates = new List<MethodDefinitionHandle>();
        foreach (var handle in reader.GetTypeDefinition(owner.Handle).GetMethods())
        {
            var method = reader.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0 || !reader.StringComparer.Equals(method.Name, methodName)) continue;
            // A generic method's profile is per instantiation, which the text does not name.
            if (method.GetGenericParameters().Count > 0) continue;
            if (owner.Assembly.PE.GetMethodBody(method.RelativeVirtualAddress).GetILReader().Length != profile.ILSize) continue;
            candidates.Add(handle);
        }
        if (candidates.Count > 1)
        {
            int count = ParameterCount(profile.Signature);
            candidates = candidates.FindAll(h => reader.GetMethodDefinition(h).GetParameters().Count(p => reader.GetParameter(p).SequenceNumber > 0) == count);
        }
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new UnresolvableException("no non-generic method of that name and IL size"),
            _ => throw new UnresolvableException("overloads of that IL size and parameter count"),
        };
    }

    static int ParameterCount(string signature)
    {
        int open = signature.LastIndexOf('(');
        if (open < 0) return -1;
        var list = signature[(open + 1)..].TrimEnd(')', ' ');
        if (list.Length == 0) return 0;
        int depth = 0, count = 1;
        foreach (var c in list)
        {
            if (c is '[' or '<' or '(') depth++;
            else if (c is ']' or '>' or ')') depth--;
            else if (c == ',' && depth == 0) count++;
        }
        return count;
    }

    static IEnumerable<int> TopLevelDots(string s)
    {
        int depth = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '[') depth++;
            else if (s[i] == ']') depth--;
            else if (s[i] == '.' && depth == 0) yield return i;
        }
    }

    AssemblyReferenceHandle AssemblyRef(LoadedAssembly assembly)
    {
        if (_assemblyRefs.TryGetValue(assembly.Name, out var handle)) return handle;
        var name = assembly.Reader.GetAssemblyDefinition().GetAssemblyName();
        var token = name.GetPublicKeyToken();
        handle = _metadata.AddAssemblyReference(_metadata.GetOrAddString(assembly.Name), name.Version ?? new Version(0, 0, 0, 0), default,
            token is { Length: > 0 } ? _metadata.GetOrAddBlob(token) : default, 0, default);
        return _assemblyRefs[assembly.Name] = handle;
    }

    TypeReferenceHandle TypeRef(DefinedType type)
    {
        if (_typeRefs.TryGetValue(type, out var handle)) return handle;
        var definition = type.Assembly.Reader.GetTypeDefinition(type.Handle);
        EntityHandle scope = definition.IsNested ? TypeRef(new DefinedType(type.Assembly, definition.GetDeclaringType())) : AssemblyRef(type.Assembly);
        handle = _metadata.AddTypeReference(scope,
            definition.IsNested ? default : _metadata.GetOrAddString(type.Assembly.Reader.GetString(definition.Namespace)),
            _metadata.GetOrAddString(type.Assembly.Reader.GetString(definition.Name)));
        return _typeRefs[type] = handle;
    }

    EntityHandle TypeToken(TypeShape type)
    {
        switch (type)
        {
            case DefinedType defined: return TypeRef(defined);
            case CanonType: return _canon;
            case PrimitiveType primitive: return TypeRef(_assemblies.CoreLibType(AssemblySet.PrimitiveName(primitive.Code)));
            default:
                var blob = new BlobBuilder();
                Encode(new BlobEncoder(blob).TypeSpecificationSignature(), type);
                return _metadata.AddTypeSpecification(_metadata.GetOrAddBlob(blob));
        }
    }

    void Encode(SignatureTypeEncoder encoder, TypeShape type)
    {
        switch (type)
        {
            case PrimitiveType { Code: PrimitiveTypeCode.Void or PrimitiveTypeCode.TypedReference }:
                throw new UnresolvableException("void or TypedReference inside a type");
            case PrimitiveType primitive: encoder.PrimitiveType(primitive.Code); break;
            case CanonType: encoder.Type(_canon, isValueType: false); break;
            case DefinedType defined:
                var full = AssemblySet.FullName(defined.Assembly.Reader, defined.Handle);
                if (defined.Assembly.Name == AssemblySet.CoreLib && AssemblySet.PrimitiveCode(full) is { } code
                    && code is not (PrimitiveTypeCode.Void or PrimitiveTypeCode.TypedReference)) { encoder.PrimitiveType(code); break; }
                encoder.Type(TypeRef(defined), AssemblySet.IsValueType(defined));
                break;
            case GenericInstance instance:
                var arguments = encoder.GenericInstantiation(TypeRef(instance.Definition), instance.Arguments.Length, AssemblySet.IsValueType(instance.Definition));
                foreach (var argument in instance.Arguments) Encode(arguments.AddArgument(), argument);
                break;
            case SzArrayType array: Encode(encoder.SZArray(), array.Element); break;
            case MdArrayType array:
                encoder.Array(out var element, out var shape);
                Encode(element, array.Element);
                shape.Shape(array.Shape.Rank, array.Shape.Sizes, array.Shape.LowerBounds);
                break;
            case PointerType { Element: PrimitiveType { Code: PrimitiveTypeCode.Void } }: encoder.VoidPointer(); break;
            case PointerType pointer: Encode(encoder.Pointer(), pointer.Element); break;
            case GenericParameter parameter:
                if (parameter.OfMethod) encoder.GenericMethodTypeParameter(parameter.Index);
                else encoder.GenericTypeParameter(parameter.Index);
                break;
            case ModifiedType modified:
                encoder.CustomModifiers().AddModifier(TypeToken(modified.Modifier), isOptional: !modified.Required);
                Encode(encoder, modified.Unmodified);
                break;
            default: throw new UnresolvableException($"cannot write a {type.GetType().Name} here");
        }
    }

    // A parameter's or return type's modifiers come before its byref marker, as in the original signature.
    void EncodeParameter(ParameterTypeEncoder encoder, TypeShape type)
    {
        type = WriteModifiers(encoder.CustomModifiers(), type);
        if (type is PrimitiveType { Code: PrimitiveTypeCode.TypedReference }) encoder.TypedReference();
        else if (type is ByRefType byRef) Encode(encoder.Type(isByRef: true), byRef.Element);
        else Encode(encoder.Type(), type);
    }

    void EncodeReturn(ReturnTypeEncoder encoder, TypeShape type)
    {
        type = WriteModifiers(encoder.CustomModifiers(), type);
        if (type is PrimitiveType { Code: PrimitiveTypeCode.Void }) encoder.Void();
        else if (type is PrimitiveType { Code: PrimitiveTypeCode.TypedReference }) encoder.TypedReference();
        else if (type is ByRefType byRef) Encode(encoder.Type(isByRef: true), byRef.Element);
        else Encode(encoder.Type(), type);
    }

    TypeShape WriteModifiers(CustomModifiersEncoder modifiers, TypeShape type)
    {
        while (type is ModifiedType modified)
        {
            modifiers = modifiers.AddModifier(TypeToken(modified.Modifier), isOptional: !modified.Required);
            type = modified.Unmodified;
        }
        return type;
    }
}
