namespace MibcWriter;

/// <summary>A method or type of the profile that the assemblies given do not define (or that the format cannot
/// name): that method is left out of the .mibc, a type entry becomes "unknown".</summary>
internal sealed class UnresolvableException(string message) : Exception(message);
