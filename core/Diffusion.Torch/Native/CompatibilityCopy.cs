using System.Security.Cryptography;

namespace Diffusion.Torch.Native;

/// <summary>What <see cref="CompatibilityCopy.Prepare"/> decided for one LibTorchSharp binary.</summary>
/// <param name="PathToLoad">The original file, or the patched copy in the user cache.</param>
/// <param name="Patched">Whether <paramref name="PathToLoad"/> is the patched copy.</param>
/// <param name="Reason">Why the copy was or was not needed, for <see cref="TorchRuntimeInfo"/>.</param>
/// <param name="WeakenedVersions">The version needs that were made weak in the copy.</param>
internal sealed record CompatibilityDecision(string PathToLoad, bool Patched, string Reason, IReadOnlyList<string> WeakenedVersions);

/// <summary>
/// TorchSharp's LibTorchSharp is built with GCC 13 and so records a need for GLIBCXX_3.4.32, although
/// the only symbol bound to it (std::ios_base_library_init) has no relocation and is never looked up.
/// Older distributions (Debian 12: GLIBCXX_3.4.30) refuse to load it for that alone. This writes a
/// copy in which such unused needs are marked VER_FLG_WEAK, which makes the loader tolerate their absence.
/// The NuGet cache is never modified, and machines whose libstdc++ has the versions use the original.
/// </summary>
internal static class CompatibilityCopy
{
    /// <summary>
    /// Decides whether <paramref name="original"/> can load against <paramref name="libstdcxx"/>, and writes
    /// the patched copy under <paramref name="cacheRoot"/> when it cannot but only unused versions are missing.
    /// </summary>
    public static CompatibilityDecision Prepare(string original, LibStdCxxInfo libstdcxx, string cacheRoot)
    {
        if (libstdcxx.Path is null)
            return new(original, false, "no libstdc++ found in the process; loading the original", []);

        var bytes = File.ReadAllBytes(original);
        var image = ElfImage.Parse(bytes, original);
        var missing = image.VersionNeeds
            .Where(n => n.File.StartsWith("libstdc++.so", StringComparison.Ordinal) && !n.IsWeak && !libstdcxx.Versions.Contains(n.Version))
            .ToList();
        if (missing.Count == 0)
            return new(original, false, $"{libstdcxx.Path} defines every version LibTorchSharp needs", []);

        foreach (var need in missing)
        {
            var used = image.SymbolsWithVersion(need.Index).Where(s => s.Relocated).Select(s => s.Name).ToList();
            if (used.Count > 0)
                throw new TorchRuntimeException(
                    $"{original} needs {need.Version} from libstdc++ for symbols it really uses ({string.Join(", ", used.Take(5))}), " +
                    $"but {libstdcxx.Path} only goes up to {libstdcxx.MaxGlibcxx ?? "an unknown version"}. " +
                    "Install a newer libstdc++ (GCC 13 or later) and put it on LD_LIBRARY_PATH, or set DIFFUSION_LIBTORCH_DIR " +
                    "to a PyTorch install built for this system.");
        }

        var patched = (byte[])bytes.Clone();
        foreach (var need in missing)
            patched[need.FlagsOffset] |= (byte)ElfImage.VerFlagWeak; // vna_flags is little-endian; WEAK lives in the low byte.

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var target = Path.Combine(cacheRoot, hash, Path.GetFileName(original));
        WriteIfDifferent(target, patched);

        var versions = missing.Select(n => n.Version).Distinct().ToList();
        var symbols = missing.SelectMany(n => image.SymbolsWithVersion(n.Index)).Select(s => s.Name).Distinct();
        return new(target, true,
            $"{libstdcxx.Path} lacks {string.Join(", ", versions)} (max {libstdcxx.MaxGlibcxx}); only unrelocated symbols " +
            $"({string.Join(", ", symbols)}) are bound to it, so a copy with those version needs marked weak is loaded",
            versions);
    }

    /// <summary>The per-user cache folder for patched native copies: $XDG_CACHE_HOME or ~/.cache, then diffusion-dotnet/native.</summary>
    public static string DefaultCacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "diffusion-dotnet", "native");
    }

    private static void WriteIfDifferent(string target, byte[] content)
    {
        // Reused across runs; rewritten only if missing or damaged. The temp-file-and-rename keeps
        // processes that start at the same time from ever seeing a half-written library.
        if (File.Exists(target) && new FileInfo(target).Length == content.Length && File.ReadAllBytes(target).AsSpan().SequenceEqual(content))
            return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                File.WriteAllBytes(temp, content);
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TorchRuntimeException(
                $"Could not write the LibTorchSharp compatibility copy to {target}: {e.Message} " +
                "Make the folder writable, or point XDG_CACHE_HOME at a writable folder.", e);
        }
    }
}
