using MibcWriter;

// MibcWriter PGO_TEXT[,PGO_TEXT...] OUT.mibc ASSEMBLY_DIR...: see MibcEmitter for the format, PgoProfileMerger for
// several runs, bench/aot-pgo.sh for the training.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: MibcWriter PGO_TEXT[,PGO_TEXT...] OUT.mibc ASSEMBLY_DIR... (the gateway's build output first, then the shared frameworks)");
    return 2;
}
var profiles = PgoProfileMerger.Merge(args[0].Split(',').SelectMany(PgoTextReader.Read));
var assemblies = new AssemblySet(args.Skip(2));
var emitter = new MibcEmitter(assemblies);
var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
foreach (var profile in profiles)
{
    try { emitter.Add(profile); }
    catch (UnresolvableException e)
    {
        skipped[e.Message] = skipped.GetValueOrDefault(e.Message) + 1;
        if (Environment.GetEnvironmentVariable("MIBC_VERBOSE") == "1") Console.Error.WriteLine($"left out {profile.MethodName}: {e.Message}");
    }
}
emitter.Save(args[1]);
Console.WriteLine($"{args[1]}: {emitter.Methods} of {profiles.Count} methods from {assemblies.Count} assemblies; {emitter.UnknownTypes} type entries unknown");
foreach (var (reason, count) in skipped.OrderByDescending(s => s.Value)) Console.WriteLine($"  left out {count}: {reason}");
return 0;
