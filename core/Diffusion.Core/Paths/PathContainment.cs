using Diffusion.Contracts;
using Diffusion.Torch.Files;

namespace Diffusion.Core;

/// <summary>
/// The rules that keep a pipeline's paths inside their roots, shared by validation (before anything runs) and by
/// <see cref="INodeExecutionContext.ResolveInputPath"/> / <see cref="INodeExecutionContext.ResolveOutputPath"/> (while
/// nodes run): inputs resolve, links followed, to a place inside an input root; outputs are relative, stay inside the
/// output folder with links on the way resolved, and only ever create or replace a regular file.
/// </summary>
internal static class PathContainment
{
    // Outputs are checked lexically at validation time, before the output folder is known, against this stand-in.
    private const string OutputStandIn = "/__output__";

    public static PathProblem? CheckWritten(string? written)
    {
        if (written is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(written))
        {
            return new PathProblem(ValidationCodes.ParamValue, "is empty; an empty path does not mean \"no file\": leave the param out for that, or name a file");
        }

        return written.Contains('\0', StringComparison.Ordinal)
            ? new PathProblem(ValidationCodes.ParamValue, "contains a NUL character; write the path without it")
            : null;
    }

    /// <summary>Resolves an input path against <paramref name="baseDirectory"/>; null with a problem when it leaves every root.</summary>
    public static string? ResolveInput(string written, string baseDirectory, IReadOnlyList<InputRoot> roots, out PathProblem? problem)
    {
        problem = CheckWritten(written);
        if (problem is not null)
        {
            return null;
        }

        var full = Path.GetFullPath(written, baseDirectory);
        string resolved;
        try
        {
            resolved = LinkResolution.Resolve(full);
        }
        catch (IOException e)
        {
            problem = new PathProblem(ValidationCodes.InputFile, $"cannot be resolved: {e.Message}");
            return null;
        }

        if (roots.Any(r => LinkResolution.IsWithin(resolved, r.Path)))
        {
            return resolved;
        }

        var where = roots.Count == 0 ? "no input folders are configured" : $"the input folders are {string.Join(", ", roots.Select(r => r.Path))}";
        var how = Path.IsPathRooted(written) ? $"is an absolute path outside the input folders ({where})"
            : !string.Equals(resolved, full, StringComparison.Ordinal) ? $"leads through a symbolic link to {resolved}, outside the input folders ({where})"
            : $"leads to {resolved}, outside the input folders ({where})";
        problem = new PathProblem(ValidationCodes.PathOutsideRoot, $"{how}. Keep inputs inside those folders, or add a folder with --input-root (DiffusionOptions.InputRoots)");
        return null;
    }

    /// <summary>Whether an input exists and is of the kind the param declares.</summary>
    public static PathProblem? CheckInputKind(string resolved, PathKind kind)
    {
        FileEntry entry;
        try
        {
            entry = FileProbe.Inspect(resolved, followLinks: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new PathProblem(ValidationCodes.InputFile, $"cannot be read ({e.Message})");
        }

        var wantsFile = kind is PathKind.InputFile or PathKind.InputFileOrFolder;
        var wantsFolder = kind is PathKind.InputFolder or PathKind.InputFileOrFolder;
        return entry.Kind switch
        {
            FileEntryKind.Missing => new PathProblem(ValidationCodes.InputFile, $"does not exist (resolved to {resolved}); check the path, which is relative to the pipeline file's folder"),
            FileEntryKind.RegularFile when wantsFile => null,
            FileEntryKind.Directory when wantsFolder => null,
            FileEntryKind.Directory => new PathProblem(ValidationCodes.InputFile, $"is a directory ({resolved}), but a file is expected"),
            FileEntryKind.RegularFile => new PathProblem(ValidationCodes.InputFile, $"is a file ({resolved}), but a folder is expected"),
            _ => new PathProblem(ValidationCodes.InputFile, $"is {entry.Describe()} ({resolved}); only regular files and folders are read"),
        };
    }

    /// <summary>
    /// The output folder-relative form of an output path, checked without touching the disk (the output folder may not
    /// be known yet); null with a problem when it is absolute or climbs out.
    /// </summary>
    public static string? NormalizeOutput(string written, PathKind kind, out PathProblem? problem)
    {
        problem = CheckWritten(written);
        if (problem is not null)
        {
            return null;
        }

        if (Path.IsPathRooted(written))
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(written));
            problem = new PathProblem(ValidationCodes.PathOutsideRoot, $"is an absolute path; outputs are written under the run's output folder (--out): write a relative path{(name.Length > 0 ? $" such as \"{name}\"" : "")}");
            return null;
        }

        var full = Path.GetFullPath(written, OutputStandIn);
        if (!LinkResolution.IsWithin(full, OutputStandIn))
        {
            problem = new PathProblem(ValidationCodes.PathOutsideRoot, "climbs out of the run's output folder with \"..\"; write a path inside it");
            return null;
        }

        if (kind == PathKind.OutputFile && string.Equals(full, OutputStandIn, StringComparison.Ordinal))
        {
            problem = new PathProblem(ValidationCodes.ParamValue, "names the output folder itself; name a file inside it");
            return null;
        }

        var relative = Path.GetRelativePath(OutputStandIn, full);
        return relative == "." ? "" : relative;
    }

    /// <summary>
    /// The absolute output path under <paramref name="outputRoot"/> (already resolved), with links on the way resolved;
    /// null with a problem when it leaves the folder. A link as the last part is not followed (see <see cref="CheckOutputTarget"/>).
    /// </summary>
    public static string? ResolveOutput(string written, PathKind kind, string outputRoot, out PathProblem? problem)
    {
        var relative = NormalizeOutput(written, kind, out problem);
        if (relative is null)
        {
            return null;
        }

        var full = Path.GetFullPath(relative, outputRoot);
        string resolved;
        try
        {
            resolved = kind == PathKind.OutputFolder || relative.Length == 0
                ? LinkResolution.Resolve(full)
                : Path.Join(LinkResolution.Resolve(Path.GetDirectoryName(full)!), Path.GetFileName(full));
        }
        catch (IOException e)
        {
            problem = new PathProblem(ValidationCodes.PathOutsideRoot, $"cannot be resolved: {e.Message}");
            return null;
        }

        if (!LinkResolution.IsWithin(resolved, outputRoot))
        {
            problem = new PathProblem(ValidationCodes.PathOutsideRoot, $"leads through a symbolic link to {resolved}, outside the run's output folder {outputRoot}; outputs stay inside it");
            return null;
        }

        return resolved;
    }

    /// <summary>Whether writing <paramref name="resolved"/> is allowed: nothing there, or a regular file the run may replace.</summary>
    public static PathProblem? CheckOutputTarget(string resolved, PathKind kind, bool mayReplace)
    {
        FileEntry entry;
        try
        {
            entry = FileProbe.Inspect(resolved, followLinks: false);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new PathProblem(ValidationCodes.OutputConflict, $"cannot be checked ({e.Message})");
        }

        if (kind == PathKind.OutputFolder)
        {
            return entry.Kind is FileEntryKind.Missing or FileEntryKind.Directory
                ? null
                : new PathProblem(ValidationCodes.OutputConflict, $"names {entry.Describe()} ({resolved}), not a folder; remove it or choose another path");
        }

        return entry.Kind switch
        {
            FileEntryKind.Missing => null,
            FileEntryKind.RegularFile when mayReplace => null,
            FileEntryKind.RegularFile => new PathProblem(ValidationCodes.OutputConflict, $"already exists ({resolved}); outputs never replace a file unless the run asks: pass --overwrite (RunOptions.Overwrite), or choose another path or --out folder"),
            FileEntryKind.SymbolicLink => new PathProblem(ValidationCodes.OutputConflict, $"is a symbolic link ({resolved}); outputs never write through links: remove it or choose another path"),
            _ => new PathProblem(ValidationCodes.OutputConflict, $"is {entry.Describe()} ({resolved}); outputs only create or replace regular files: choose another path"),
        };
    }
}
