namespace MibcWriter;

/// <summary>
/// Makes one profile per method out of several training runs (bench/aot-pgo.sh trains each config in its own run).
/// Records of the same method (name, signature, IL size) with the same schema layout combine: counts add, and each
/// type table (a reservoir sample of the classes a call site saw) is drawn again from both tables in proportion to
/// the calls each run made there, so a call site keeps the class mix of all runs. With different layouts (another
/// tier's instrumentation) the record that counted more stays.
/// </summary>
internal static class PgoProfileMerger
{

    public static List<PgoMethodProfile> Merge(IEnumerable<PgoMethodProfile> profiles)
    {
        var merged = new Dictionary<(string, string, int), PgoMethodProfile>();
        var order = new List<(string, string, int)>();
        foreach (var profile in profiles)
        {
            var key = (profile.MethodName, profile.Signature, profile.ILSize);
            if (!merged.TryGetValue(key, out var existing)) { merged[key] = profile; order.Add(key); continue; }
            merged[key] = SameLayout(existing, profile) ? Combine(existing, profile) : Weight(profile) > Weight(existing) ? profile : existing;
        }
        return order.ConvertAll(k => merged[k]);
    }

    static bool SameLayout(PgoMethodProfile a, PgoMethodProfile b) =>
        a.Schema.Count == b.Schema.Count && a.Schema.Zip(b.Schema).All(p =>
            p.First.Kind == p.Second.Kind && p.First.ILOffset == p.Second.ILOffset && p.First.Count == p.Second.Count && p.First.Other == p.Second.Other);

    static ulong Weight(PgoMethodProfile profile)
    {
        ulong sum = 0;
        foreach (var e in profile.Schema)
            if (e.Marshal is PgoSchemaElement.FourByte or PgoSchemaElement.EightByte)
                for (int i = 0; i < e.Count; i++) sum += e.Number(i);
        return sum;
    }

    static PgoMethodProfile Combine(PgoMethodProfile a, PgoMethodProfile b)
    {
        var schema = new List<PgoSchemaElement>(a.Schema.Count);
        for (int i = 0; i < a.Schema.Count; i++)
        {
            var x = a.Schema[i];
            var y = b.Schema[i];
            var entries = x.Marshal switch
            {
                PgoSchemaElement.FourByte or PgoSchemaElement.EightByte => Enumerable.Range(0, x.Count).Select(e => x.Text(x.Number(e) + y.Number(e))).ToList(),
                PgoSchemaElement.TypeHandle or PgoSchemaElement.MethodHandle => Draw(x.Entries, CallsBefore(a, i), y.Entries, CallsBefore(b, i)),
                _ => x.Entries.ToList(),
            };
            schema.Add(x with { Entries = entries });
        }
        return a with { Schema = schema };
    }

    // A type table follows the count of calls at the same call site.
    static ulong CallsBefore(PgoMethodProfile profile, int index) =>
        index > 0 && profile.Schema[index - 1] is { Kind: PgoSchemaElement.TypeHistogramCountKind } count && count.ILOffset == profile.Schema[index].ILOffset
            ? count.Number(0) : 1;

    static List<string> Draw(IReadOnlyList<string> first, ulong firstCalls, IReadOnlyList<string> second, ulong secondCalls)
    {
        int n = first.Count;
        int fromFirst = firstCalls + secondCalls == 0 ? n : (int)Math.Round(n * (double)firstCalls / (firstCalls + secondCalls));
        return first.Take(fromFirst).Concat(second.Take(n - fromFirst)).ToList();
    }
}
