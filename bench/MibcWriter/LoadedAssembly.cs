using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MibcWriter;

/// <summary>One assembly's metadata, opened for reading, with its type definitions by full name (nested types
/// as <c>Outer+Inner</c>, as the runtime prints them).</summary>
internal sealed class LoadedAssembly(string name, PEReader pe)
{
    public string Name { get; } = name;
    public PEReader PE { get; } = pe;
    public MetadataReader Reader { get; } = pe.GetMetadataReader();
    public Dictionary<string, TypeDefinitionHandle> Types { get; } = new(StringComparer.Ordinal);
}
