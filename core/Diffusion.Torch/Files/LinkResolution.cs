namespace Diffusion.Torch.Files;

/// <summary>
/// Resolves symbolic links in a path the way the kernel would, also when the last parts do not exist yet (an output
/// about to be written), so containment checks compare where a path really leads, not how it is spelled.
/// </summary>
public static class LinkResolution
{
    private const int MaxLinks = 40;

    /// <summary>
    /// The absolute path with every link on the way replaced by its target; parts that do not exist are kept as written.
    /// </summary>
    /// <exception cref="IOException">More than 40 links on the way (a loop).</exception>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or lies below it (both absolute, resolved).</summary>
    public static bool IsWithin(string path, string root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        var trimmedRoot = Path.TrimEndingDirectorySeparator(root);
        var trimmedPath = Path.TrimEndingDirectorySeparator(path);
        if (string.Equals(trimmedPath, trimmedRoot, StringComparison.Ordinal))
        {
            return true;
        }

        var prefix = trimmedRoot.EndsWith(Path.DirectorySeparatorChar) ? trimmedRoot : trimmedRoot + Path.DirectorySeparatorChar;
        return trimmedPath.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static string Resolve(string full, ref int links)
    {
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Join(current, part);
            if (FileProbe.Inspect(next, followLinks: false).Kind != FileEntryKind.SymbolicLink)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"'{full}' leads through more than {MaxLinks} symbolic links (a loop?).");
            }

            var target = new FileInfo(next).LinkTarget ?? next;
            current = Resolve(Path.GetFullPath(target, current), ref links);
        }

        return current;
    }
}
