using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Usage: AllocReport TRACE.nettrace [REQUESTS] [TOP]
// AllocationTick fires about every 100 KB allocated and names the type that crossed the threshold, so
// the bytes per type are a sample; with REQUESTS (served while tracing) it prints bytes per request.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AllocReport TRACE.nettrace [REQUESTS] [TOP]");
    return 1;
}

var requests = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var top = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 25;
var byType = new Dictionary<string, long>();
long total = 0;
using (var source = new EventPipeEventSource(args[0]))
{
    source.Clr.GCAllocationTick += (GCAllocationTickTraceData e) =>
    {
        var amount = e.AllocationAmount64;
        var name = e.TypeName ?? "?";
        byType[name] = byType.GetValueOrDefault(name) + amount;
        total += amount;
    };
    source.Process();
}

Console.WriteLine($"sampled allocations: {total / 1048576.0:F1} MiB" + (requests > 0 ? $", {total / requests:F0} B/request over {requests:F0} requests" : ""));
Console.WriteLine(requests > 0 ? "   B/req  share  type" : "     KiB  share  type");
foreach (var (type, bytes) in byType.OrderByDescending(kv => kv.Value).Take(top))
{
    var amount = requests > 0 ? bytes / requests : bytes / 1024.0;
    Console.WriteLine($"{amount,8:F0}  {100.0 * bytes / total,4:F1}%  {type}");
}

return 0;
