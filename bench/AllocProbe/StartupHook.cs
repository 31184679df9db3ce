using System.Globalization;

/// <summary>
/// Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly. Every 200 ms it
/// rewrites ALLOC_PROBE_FILE with one line: total allocated bytes (all threads), gen0, gen1 and gen2
/// collection counts. bench/run.sh reads it before and after a wrk run to get bytes and GCs per request.
/// </summary>
public static class StartupHook
{
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("ALLOC_PROBE_FILE");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var thread = new Thread(() =>
        {
            var temp = path + ".tmp";
            while (true)
            {
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{GC.GetTotalAllocatedBytes(false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}\n");
                File.WriteAllText(temp, line);
                File.Move(temp, path, overwrite: true);
                Thread.Sleep(200);
            }
        })
        { IsBackground = true, Name = "alloc-probe" };
        thread.Start();
    }
}
