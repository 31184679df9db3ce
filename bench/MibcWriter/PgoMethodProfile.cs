namespace MibcWriter;

/// <summary>One method's profile from the runtime's text dump: its name as the runtime prints it, the printed
/// signature, its IL size (to tell overloads apart and to refuse a method whose IL changed) and the schema.</summary>
internal sealed record PgoMethodProfile(string MethodName, string Signature, int ILSize, IReadOnlyList<PgoSchemaElement> Schema);
