using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace MibcWriter;

/// <summary>Decodes a signature of one loaded assembly into <see cref="TypeShape"/>s, its type references resolved
/// to their definitions.</summary>
internal sealed class TypeShapeProvider(AssemblySet assemblies, LoadedAssembly assembly) : ISignatureTypeProvider<TypeShape, object?>
{
    public TypeShape GetArrayType(TypeShape elementType, ArrayShape shape) => new MdArrayType(elementType, shape);
    public TypeShape GetByReferenceType(TypeShape elementType) => new ByRefType(elementType);
    public TypeShape GetFunctionPointerType(MethodSignature<TypeShape> signature) => throw new UnresolvableException("function pointer in a signature");
    public TypeShape GetGenericInstantiation(TypeShape genericType, ImmutableArray<TypeShape> typeArguments) =>
        new GenericInstance(genericType as DefinedType ?? throw new UnresolvableException("generic instance of a non-definition"), typeArguments);
    public TypeShape GetGenericMethodParameter(object? genericContext, int index) => new GenericParameter(true, index);
    public TypeShape GetGenericTypeParameter(object? genericContext, int index) => new GenericParameter(false, index);
    public TypeShape GetModifiedType(TypeShape modifier, TypeShape unmodifiedType, bool isRequired) => new ModifiedType(modifier, unmodifiedType, isRequired);
    public TypeShape GetPinnedType(TypeShape elementType) => throw new UnresolvableException("pinned type (locals only) in a method signature");
    public TypeShape GetPointerType(TypeShape elementType) => new PointerType(elementType);
    public TypeShape GetPrimitiveType(PrimitiveTypeCode typeCode) => new PrimitiveType(typeCode);
    public TypeShape GetSZArrayType(TypeShape elementType) => new SzArrayType(elementType);
    public TypeShape GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => new DefinedType(assembly, handle);
    public TypeShape GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => assemblies.Resolve(assembly, handle);
    public TypeShape GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
}
