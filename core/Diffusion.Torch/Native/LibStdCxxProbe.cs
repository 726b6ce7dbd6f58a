using System.Runtime.InteropServices;

namespace Diffusion.Torch.Native;

/// <summary>The libstdc++ this process uses and the symbol versions it defines.</summary>
/// <param name="Path">Absolute path of the libstdc++.so.6 mapped into the process, or null if none was found.</param>
/// <param name="Versions">Version names it defines (GLIBCXX_*, CXXABI_*).</param>
internal sealed record LibStdCxxInfo(string? Path, IReadOnlySet<string> Versions)
{
    /// <summary>The highest GLIBCXX_x.y.z defined, e.g. <c>GLIBCXX_3.4.30</c>; null if unknown.</summary>
    public string? MaxGlibcxx =>
        Versions.Where(v => v.StartsWith("GLIBCXX_", StringComparison.Ordinal))
                .Select(v => (Name: v, Key: ParseVersion(v["GLIBCXX_".Length..])))
                .Where(v => v.Key is not null)
                .OrderBy(v => v.Key!)
                .Select(v => v.Name)
                .LastOrDefault();

    private static Version? ParseVersion(string s) => Version.TryParse(s, out var v) ? v : null;
}

/// <summary>
/// Finds the libstdc++ that the dynamic loader will bind LibTorchSharp to. Asking the loader
/// (load it by soname, then read /proc/self/maps) honours LD_LIBRARY_PATH, ld.so.cache and a
/// libstdc++ already in the process, which guessing from well-known folders would not.
/// </summary>
internal static class LibStdCxxProbe
{
    private const string Soname = "libstdc++.so.6";

    /// <summary>Locates and parses the process's libstdc++.</summary>
    public static LibStdCxxInfo Probe()
    {
        var path = FindMapped();
        if (path is null && NativeLibrary.TryLoad(Soname, out _))
            path = FindMapped();
        if (path is null)
            return new LibStdCxxInfo(null, new HashSet<string>());
        var versions = ElfImage.Load(path).VersionDefinitions.ToHashSet(StringComparer.Ordinal);
        return new LibStdCxxInfo(path, versions);
    }

    private static string? FindMapped()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
            return null;
        foreach (var line in File.ReadLines(maps))
        {
            // Format: address perms offset dev inode pathname; the path is the text after the 5th field.
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
                continue;
            var file = line[slash..].Trim();
            if (Path.GetFileName(file).StartsWith("libstdc++.so", StringComparison.Ordinal) && File.Exists(file))
                return file;
        }
        return null;
    }
}
