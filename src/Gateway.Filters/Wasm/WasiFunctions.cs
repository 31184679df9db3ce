using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Wasmtime;

namespace Gateway.Filters.Wasm;

/// <summary>
/// WASI preview1 as a plugin host offers it (under both <c>wasi_snapshot_preview1</c> and the legacy
/// <c>wasi_unstable</c> that AssemblyScript uses): no files, no preopened directories, no environment
/// and no arguments; stdout and stderr go to the log (info and error); clocks and randomness work;
/// proc_exit ends the call with a trap. Anything else a module imports gets ENOSYS from a stub.
/// </summary>
internal static class WasiFunctions
{
    public static IEnumerable<string> Define(Linker linker)
    {
        var names = new List<string>();
        foreach (var module in (ReadOnlySpan<string>)["wasi_snapshot_preview1", "wasi_unstable"])
        {
            void Add(string name) => names.Add(module + "::" + name);

            linker.DefineFunction(module, "fd_write", (Caller c, int fd, int iovs, int iovsLen, int retWritten) => Instance(c) is { } i ? FdWrite(i, fd, iovs, iovsLen, retWritten) : ProxyWasmAbi.WasiBadFd);
            Add("fd_write");
            linker.DefineFunction(module, "fd_read", (Caller c, int fd, int iovs, int iovsLen, int ret) => ProxyWasmAbi.WasiBadFd);
            Add("fd_read");
            linker.DefineFunction(module, "fd_close", (Caller c, int fd) => ProxyWasmAbi.WasiBadFd);
            Add("fd_close");
            linker.DefineFunction(module, "fd_seek", (Caller c, int fd, long offset, int whence, int ret) => ProxyWasmAbi.WasiBadFd);
            Add("fd_seek");
            linker.DefineFunction(module, "fd_fdstat_get", (Caller c, int fd, int ret) =>
            {
                if (fd is < 0 or > 2 || Instance(c) is not { } i)
                {
                    return ProxyWasmAbi.WasiBadFd;
                }

                // filetype character_device, no flags, no rights beyond what a stream needs.
                return i.TryWriteU64(ret, 2) && i.TryWriteU64(ret + 8, 0) && i.TryWriteU64(ret + 16, 0) ? 0 : ProxyWasmAbi.WasiInvalid;
            });
            Add("fd_fdstat_get");
            linker.DefineFunction(module, "fd_prestat_get", (Caller c, int fd, int ret) => ProxyWasmAbi.WasiBadFd);
            Add("fd_prestat_get");
            linker.DefineFunction(module, "fd_prestat_dir_name", (Caller c, int fd, int ptr, int len) => ProxyWasmAbi.WasiBadFd);
            Add("fd_prestat_dir_name");
            linker.DefineFunction(module, "environ_sizes_get", (Caller c, int count, int size) => Zero2(c, count, size));
            Add("environ_sizes_get");
            linker.DefineFunction(module, "environ_get", (Caller c, int environ, int buffer) => 0);
            Add("environ_get");
            linker.DefineFunction(module, "args_sizes_get", (Caller c, int count, int size) => Zero2(c, count, size));
            Add("args_sizes_get");
            linker.DefineFunction(module, "args_get", (Caller c, int argv, int buffer) => 0);
            Add("args_get");
            linker.DefineFunction(module, "clock_time_get", (Caller c, int clock, long precision, int ret) =>
            {
                if (Instance(c) is not { } i)
                {
                    return ProxyWasmAbi.WasiInvalid;
                }

                var nanos = clock == 0
                    ? (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100UL
                    : (ulong)System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000_000UL / (ulong)System.Diagnostics.Stopwatch.Frequency);
                return i.TryWriteU64(ret, nanos) ? 0 : ProxyWasmAbi.WasiInvalid;
            });
            Add("clock_time_get");
            linker.DefineFunction(module, "clock_res_get", (Caller c, int clock, int ret) => Instance(c) is { } i && i.TryWriteU64(ret, 1000) ? 0 : ProxyWasmAbi.WasiInvalid);
            Add("clock_res_get");
            linker.DefineFunction(module, "random_get", (Caller c, int ptr, int len) =>
            {
                if (Instance(c) is not { } i || !i.TryRead(ptr, len, out _))
                {
                    return ProxyWasmAbi.WasiInvalid;
                }

                var bytes = RandomNumberGenerator.GetBytes(len);
                var memory = c.GetMemory("memory");
                bytes.CopyTo(memory!.GetSpan(ptr, len));
                return 0;
            });
            Add("random_get");
            linker.DefineFunction(module, "sched_yield", (Caller c) => 0);
            Add("sched_yield");
            linker.DefineFunction(module, "proc_exit", (Caller c, int code) =>
            {
                if (Instance(c) is { } i)
                {
                    i.ExitCode = code;
                }

                throw new WasmtimeException($"the plugin called proc_exit({code})");
            });
            Add("proc_exit");
        }

        return names;
    }

    private static WasmInstance? Instance(Caller caller) => caller.GetData() as WasmInstance;

    private static int Zero2(Caller caller, int a, int b) =>
        Instance(caller) is { } i && i.TryWriteU32(a, 0) && i.TryWriteU32(b, 0) ? 0 : ProxyWasmAbi.WasiInvalid;

    private static int FdWrite(WasmInstance instance, int fd, int iovs, int iovsLen, int retWritten)
    {
        if (fd is not (1 or 2))
        {
            return ProxyWasmAbi.WasiBadFd;
        }

        if (!instance.TryRead(iovs, iovsLen * 8, out var vectors))
        {
            return ProxyWasmAbi.WasiInvalid;
        }

        var text = new StringBuilder();
        var total = 0u;
        var table = vectors.ToArray();
        for (var k = 0; k < iovsLen; k++)
        {
            var ptr = BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan(k * 8));
            var len = BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan((k * 8) + 4));
            if (!instance.TryRead(ptr, len, out var bytes))
            {
                return ProxyWasmAbi.WasiInvalid;
            }

            text.Append(Encoding.UTF8.GetString(bytes));
            total += (uint)len;
        }

        instance.Plugin.WriteStdio(fd, text.ToString());
        return instance.TryWriteU32(retWritten, total) ? 0 : ProxyWasmAbi.WasiInvalid;
    }
}
