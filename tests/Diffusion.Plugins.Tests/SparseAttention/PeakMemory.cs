using System.Globalization;
using System.Runtime.InteropServices;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>
/// The process's resident-memory high-water mark around an action, from Linux's /proc/self/status: writing "5" to
/// /proc/self/clear_refs resets VmHWM to the current resident size, so VmHWM afterwards minus VmRSS before is the peak
/// extra memory the action touched. libtorch's CPU allocator takes large blocks straight from mmap, so an n × n tensor
/// shows up here in full the moment it is written. Freed heap memory that glibc keeps would be reused without showing
/// up, so it is handed back to the system first (malloc_trim).
/// </summary>
internal static class PeakMemory
{
    public static long MeasureExtraBytes(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _ = MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = Read("VmRSS");
        long resetPeak = Read("VmHWM");
        if (resetPeak > before + (64L << 20))
        {
            throw new InvalidOperationException($"/proc/self/clear_refs did not reset VmHWM ({resetPeak >> 20} MB vs VmRSS {before >> 20} MB); peak memory cannot be measured here.");
        }

        action();
        return Read("VmHWM") - before;
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the test project for one call.
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kilobytes = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {field} line.");
    }
}
