using System.Text.RegularExpressions;
using Gateway.Proxy;

namespace Gateway.Tests.Core;

/// <summary>The generated x-request-id stays what Envoy's is: a random version 4 UUID, across buffer refills and threads.</summary>
public sealed partial class RequestIdGeneratorTests
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV4();

    [Fact]
    public void Ids_are_distinct_v4_uuids_across_refills_and_threads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        // 1,000 per thread crosses the 256-per-refill boundary several times on each thread.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 1000; i++)
            {
                ids.Add(RequestIdGenerator.NewId());
            }
        });

        Assert.Equal(8000, ids.Count);
        Assert.All(ids, id => Assert.Matches(UuidV4(), id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_random_bit_varies()
    {
        // 122 of the 128 bits are random: over 2,000 ids each of them is seen both 0 and 1.
        var ones = new int[128];
        const int count = 2000;
        for (var n = 0; n < count; n++)
        {
            var bytes = RequestIdGenerator.NewUuid().ToByteArray(bigEndian: true);
            for (var bit = 0; bit < 128; bit++)
            {
                ones[bit] += (bytes[bit / 8] >> (7 - (bit % 8))) & 1;
            }
        }

        var fixedBits = new HashSet<int> { 48, 49, 50, 51, 64, 65 };
        for (var bit = 0; bit < 128; bit++)
        {
            if (!fixedBits.Contains(bit))
            {
                Assert.InRange(ones[bit], 1, count - 1);
            }
        }
    }
}
