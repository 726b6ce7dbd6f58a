using System.Runtime.InteropServices;

namespace Diffusion.Torch.Files;

/// <summary>
/// Asks the file system what a path is before anything opens it. .NET's file APIs cannot tell a FIFO or a device from a
/// regular file, and opening a FIFO blocks until a writer appears, so on Linux this calls <c>statx(2)</c> (a layout that
/// is the same on every architecture); elsewhere it falls back to what <see cref="FileSystemInfo"/> can say.
/// </summary>
public static partial class FileProbe
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int ENAMETOOLONG = 36;
    private const int ELOOP = 40;

    private static bool? _statxWorks;

    /// <summary>What <paramref name="path"/> names; with <paramref name="followLinks"/> false a link is reported as one.</summary>
    /// <exception cref="UnauthorizedAccessException">A folder on the way may not be searched.</exception>
    public static FileEntry Inspect(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return new FileEntry(FileEntryKind.Missing, 0);
        }

        if (OperatingSystem.IsLinux() && _statxWorks != false)
        {
            try
            {
                var entry = Statx(path, followLinks);
                _statxWorks = true;
                return entry;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _statxWorks = false;
            }
        }

        return Managed(path, followLinks);
    }

    /// <summary>The kind and size of an open file (after open, so a path swapped meanwhile is still caught).</summary>
    public static FileEntry Inspect(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (OperatingSystem.IsLinux() && _statxWorks == true)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return Statx(handle.DangerousGetHandle().ToInt32(), "", AtEmptyPath);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        return new FileEntry(FileEntryKind.RegularFile, RandomAccess.GetLength(handle));
    }

    private static FileEntry Statx(string path, bool followLinks) =>
        Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow);

    private static unsafe FileEntry Statx(int directory, string path, int flags)
    {
        byte* buffer = stackalloc byte[StatxBufferSize];
        if (statx(directory, path, flags, StatxType | StatxSize, buffer) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error switch
            {
                ENOENT or ENOTDIR or ENAMETOOLONG => new FileEntry(FileEntryKind.Missing, 0),
                ELOOP => new FileEntry(FileEntryKind.Other, 0),
                13 => throw new UnauthorizedAccessException($"Access to '{path}' is denied (a folder on the way cannot be searched)."),
                _ => throw new IOException($"Cannot inspect '{path}' (errno {error})."),
            };
        }

        var mode = *(ushort*)(buffer + ModeOffset);
        var size = *(long*)(buffer + SizeOffset);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileEntryKind.RegularFile,
            0x4000 => FileEntryKind.Directory,
            0xA000 => FileEntryKind.SymbolicLink,
            0x1000 => FileEntryKind.Fifo,
            0x2000 => FileEntryKind.CharacterDevice,
            0x6000 => FileEntryKind.BlockDevice,
            0xC000 => FileEntryKind.Socket,
            _ => FileEntryKind.Other,
        };
        return new FileEntry(kind, kind == FileEntryKind.RegularFile ? size : 0);
    }

    private static FileEntry Managed(string path, bool followLinks)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return new FileEntry(FileEntryKind.Missing, 0);
            }
        }

        if (info.LinkTarget is not null)
        {
            if (!followLinks)
            {
                return new FileEntry(FileEntryKind.SymbolicLink, 0);
            }

            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                return new FileEntry(FileEntryKind.Missing, 0);
            }

            info = target;
        }

        return info is FileInfo file ? new FileEntry(FileEntryKind.RegularFile, file.Length) : new FileEntry(FileEntryKind.Directory, 0);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
}
