using System.Globalization;
using System.Runtime.InteropServices;

namespace Diffusion.Cli.Bench;

/// <summary>
/// Peak extra resident memory of an action on Linux: writing "5" to /proc/self/clear_refs resets VmHWM (the high-water
/// mark of the resident set) to the current VmRSS, so VmHWM after the action minus VmRSS before is the most memory it
/// had touched at once. Freed heap that glibc keeps would be reused without showing up, so it is handed back to the
/// system first (malloc_trim); libtorch takes large blocks straight from mmap. Elsewhere the probe is unavailable.
/// </summary>
internal static class PeakMemoryProbe
{
    private static readonly Lazy<bool> Works = new(Probe);

    /// <summary>Whether peak memory can be measured in this process.</summary>
    public static bool IsAvailable => Works.Value;

    /// <summary>Runs <paramref name="action"/> and returns its peak extra resident bytes, or null when unavailable.</summary>
    public static long? Measure(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!IsAvailable)
        {
            action();
            return null;
        }

        long before = Reset();
        action();
        return Math.Max(0, Read("VmHWM") - before);
    }

    /// <summary>MemAvailable from /proc/meminfo, or null.</summary>
    public static long? AvailableBytes()
    {
        try
        {
            return ReadField("/proc/meminfo", "MemAvailable");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _ = MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS");
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/clear_refs"))
        {
            return false;
        }

        try
        {
            // A 256 MB array written and freed must raise VmHWM, and a reset must bring it back down.
            long before = Reset();
            var block = new byte[256 << 20];
            Array.Fill(block, (byte)1);
            GC.KeepAlive(block);
            long raised = Read("VmHWM") - before;
            block = null;
            long after = Reset();
            return raised > (200L << 20) && Read("VmHWM") - after < (64L << 20);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Read(string field) => ReadField("/proc/self/status", field);

    private static long ReadField(string file, string field)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new IOException($"{file} has no {field} line.");
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the CLI for this one call.
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
