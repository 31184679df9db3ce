using Gateway.Tests.Support;

namespace Gateway.Tests.Packaging;

/// <summary>The published binary as the image ships it (issue 15): position-independent, so the kernel loads it at a random address.</summary>
public class PublishedBinaryTests
{
    /// <summary>
    /// Envoy's release binary is PIE (its test/exe/pie_test.sh); the default publish keeps it, and only
    /// -p:AotLowMemory=true trades it for ~4 MiB of RSS. The ELF header's e_type is ET_DYN (3) for a PIE,
    /// ET_EXEC (2) for a fixed-address executable.
    /// </summary>
    [GatewayBinaryFact]
    public void The_published_binary_is_a_position_independent_executable()
    {
        var header = new byte[18];
        using (var file = File.OpenRead(GatewayBinaryProcess.BinaryPath!))
        {
            file.ReadExactly(header);
        }

        Assert.True(header.AsSpan(0, 4).SequenceEqual("\u007fELF"u8), "not an ELF file: " + GatewayBinaryProcess.BinaryPath);
        var type = BitConverter.ToUInt16(header, 16);
        Assert.True(type == 3, $"ELF type {type}: the binary was linked without PIE (-p:AotLowMemory=true?); the default publish keeps PIE");
    }
}
