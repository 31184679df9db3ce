using System.Globalization;

namespace MibcWriter;

/// <summary>
/// Reads the file the runtime writes at exit with DOTNET_WritePGOData=1 and DOTNET_PGODataPath=FILE: per method a
/// header line (<c>@@@ codehash .. methodhash .. ilSize 0x.. records 0x..</c>), <c>MethodName:</c>, <c>Signature:</c>,
/// then each schema record (<c>Schema InstrumentationKind K ILOffset O Count C Other X</c>) followed by its entries,
/// one per line (a number, two 32-bit halves, or <c>TypeHandle: assembly-qualified name</c>).
/// </summary>
internal static class PgoTextReader
{
    public static List<PgoMethodProfile> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var methods = new List<PgoMethodProfile>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("@@@ ", StringComparison.Ordinal)) continue;
            var header = lines[i].Split(' ');
            int ilSize = int.Parse(header[6].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int records = int.Parse(header[8].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var name = After(lines[++i], "MethodName: ");
            var signature = After(lines[++i], "Signature: ");
            var schema = new List<PgoSchemaElement>(records);
            for (int r = 0; r < records; r++)
            {
                var f = lines[++i].Split(' ');
                int kind = int.Parse(f[2], CultureInfo.InvariantCulture);
                int count = int.Parse(f[6], CultureInfo.InvariantCulture);
                var entries = new List<string>(count);
                for (int e = 0; e < count; e++) entries.Add(lines[++i]);
                schema.Add(new PgoSchemaElement(kind, int.Parse(f[4], CultureInfo.InvariantCulture), count,
                    unchecked((int)uint.Parse(f[8], CultureInfo.InvariantCulture)), entries));
            }
            methods.Add(new PgoMethodProfile(name, signature, ilSize, schema));
        }
        return methods;
    }

    static string After(string line, string prefix) =>
        line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : throw new FormatException($"expected '{prefix}', got '{line}'");
}
