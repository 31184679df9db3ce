using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Proxy;

/// <summary>
/// Cryptographically secure random bytes from the kernel's generator (<c>/dev/urandom</c>, the source
/// getrandom(2) reads), falling back to <see cref="RandomNumberGenerator"/> where there is none.
/// </summary>
/// <remarks>
/// Why not <see cref="RandomNumberGenerator.Fill"/> everywhere: on Linux it is OpenSSL's RAND_bytes, so
/// the first request id would load libssl and libcrypto (3.7 MiB of resident memory and several
/// milliseconds on the first request) into a gateway that serves no TLS at all.
/// </remarks>
internal static class KernelRandom
{
    private static readonly SafeFileHandle? Device = Open();

    public static void Fill(Span<byte> buffer)
    {
        if (Device is not null)
        {
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = RandomAccess.Read(Device, buffer[filled..], fileOffset: 0);
                if (read <= 0)
                {
                    break;
                }

                filled += read;
            }

            if (filled == buffer.Length)
            {
                return;
            }
        }

        RandomNumberGenerator.Fill(buffer);
    }

    private static SafeFileHandle? Open()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            return File.OpenHandle("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
