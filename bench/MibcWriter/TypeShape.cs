using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace MibcWriter;

/// <summary>
/// A type as a signature names it, independent of the assembly it was read from: what a method signature decodes
/// to (through <see cref="TypeShapeProvider"/>) and what a printed type name parses to, so both can be written
/// again into the .mibc's own metadata. A closed set: the cases below are all of it.
/// </summary>
internal abstract record TypeShape;

/// <summary>A type defined in one of the loaded assemblies.</summary>
internal sealed record DefinedType(LoadedAssembly Assembly, TypeDefinitionHandle Handle) : TypeShape;

/// <summary>A primitive (int, string, object, void ...), which signatures encode by element type.</summary>
internal sealed record PrimitiveType(PrimitiveTypeCode Code) : TypeShape;

/// <summary>System.__Canon: the shared-code stand-in for reference type arguments.</summary>
internal sealed record CanonType : TypeShape;

internal sealed record GenericInstance(DefinedType Definition, ImmutableArray<TypeShape> Arguments) : TypeShape;

internal sealed record SzArrayType(TypeShape Element) : TypeShape;

internal sealed record MdArrayType(TypeShape Element, ArrayShape Shape) : TypeShape;

internal sealed record PointerType(TypeShape Element) : TypeShape;

internal sealed record ByRefType(TypeShape Element) : TypeShape;

internal sealed record GenericParameter(bool OfMethod, int Index) : TypeShape;

internal sealed record ModifiedType(TypeShape Modifier, TypeShape Unmodified, bool Required) : TypeShape;
