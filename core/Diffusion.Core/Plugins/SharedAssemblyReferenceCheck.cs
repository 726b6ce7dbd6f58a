using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Diffusion.Core.Plugins;

/// <summary>
/// Finds references to shared assemblies that are newer than the host's, by reading assembly metadata without loading
/// anything. Such a plugin would otherwise be handed the host's older copy (methods missing at run time) or its own
/// copy (types that no longer match the host's), both failing far from the cause.
/// </summary>
public static class SharedAssemblyReferenceCheck
{
    /// <summary>The references in <paramref name="assemblyPath"/> to shared assemblies newer than the host's.</summary>
    /// <param name="assemblyPath">A file in the plugin folder; a file without .NET metadata (a native library) has none.</param>
    /// <param name="hostVersions">The host's shared assembly versions by simple name (see <see cref="SharedPluginAssemblies.VersionsOf"/>).</param>
    /// <exception cref="BadImageFormatException">The file is not a valid PE image.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<SharedAssemblyMismatch> FindNewerReferences(string assemblyPath, IReadOnlyDictionary<string, Version> hostVersions)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        ArgumentNullException.ThrowIfNull(hostVersions);

        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return [];
        }

        var metadata = pe.GetMetadataReader();
        var mismatches = new List<SharedAssemblyMismatch>();
        foreach (var handle in metadata.AssemblyReferences)
        {
            var reference = metadata.GetAssemblyReference(handle);
            var name = metadata.GetString(reference.Name);
            if (hostVersions.TryGetValue(name, out var hostVersion) && IsNewer(reference.Version, hostVersion))
            {
                mismatches.Add(new SharedAssemblyMismatch(Path.GetFullPath(assemblyPath), name, reference.Version, hostVersion));
            }
        }

        return mismatches;
    }

    /// <summary>
    /// Whether <paramref name="referenced"/> is newer than <paramref name="host"/>, comparing all four parts of the
    /// assembly version, as the runtime binder does (it refuses a request for a higher version).
    /// </summary>
    /// <param name="referenced">The version a plugin was compiled against.</param>
    /// <param name="host">The version the host has.</param>
    public static bool IsNewer(Version referenced, Version host)
    {
        ArgumentNullException.ThrowIfNull(referenced);
        ArgumentNullException.ThrowIfNull(host);
        return Normalize(referenced) > Normalize(host);
    }

    // Version(1, 0) has Build = Revision = -1, which compares lower than Version(1, 0, 0, 0); the binder treats both as 0.
    private static Version Normalize(Version v) =>
        new(v.Major, Math.Max(v.Minor, 0), Math.Max(v.Build, 0), Math.Max(v.Revision, 0));
}
