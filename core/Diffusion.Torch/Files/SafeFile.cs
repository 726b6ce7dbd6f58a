using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Diffusion.Torch.Files;

/// <summary>
/// Reads and writes files named by untrusted input (pipeline files, params, checkpoints). Reads take regular files
/// only, within a size limit, checked before a byte is read; a FIFO is never opened in a way that blocks, a device is
/// never read. Writes go to a temporary file in the same folder and are renamed over the target, so readers never see
/// half a file, and they only ever create or replace a regular file: a link, a device, a FIFO or a folder at the
/// target is refused (a rename over <c>/dev/null</c> would replace the device when run as root).
/// </summary>
public static partial class SafeFile
{
    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int BufferSize = 1 << 16;

    /// <summary>Opens a regular file for reading after checking its kind and size.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="what">What the file is, for messages: "Pipeline file", "Weights file".</param>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="FileRefusedException">A folder, a device, a FIFO, or a file over the limit.</exception>
    public static FileStream OpenRead(string path, long maxBytes, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(what);
        Check(path, FileProbe.Inspect(path, followLinks: true), maxBytes, what);
        if (!OperatingSystem.IsLinux())
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }

        // O_NONBLOCK: if the path was swapped for a FIFO since the check, open returns at once instead of waiting for a
        // writer, and the check of the open file below refuses it. It has no effect on regular files.
        var descriptor = OpenNative(path, ORdOnly | ONonBlock | OCloExec | ONoCtty);
        if (descriptor < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw error switch
            {
                2 or 20 => new FileNotFoundException($"{what} '{path}' does not exist.", path),
                13 or 1 => new UnauthorizedAccessException($"{what} '{path}' cannot be read: permission denied."),
                _ => new IOException($"{what} '{path}' cannot be opened (errno {error})."),
            };
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            Check(path, FileProbe.Inspect(handle), maxBytes, what);
            return new FileStream(handle, FileAccess.Read, BufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a whole regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        using var stream = OpenRead(path, maxBytes, what);
        var length = stream.Length;
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Reads a whole regular UTF-8 text file of at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadAllText(string path, long maxBytes, string what) =>
        Encoding.UTF8.GetString(ReadAllBytes(path, maxBytes, what));

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically (see the class summary).</summary>
    /// <exception cref="FileRefusedException">The target is not a regular file (or absent).</exception>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var copy = content.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/> atomically.</summary>
    /// <exception cref="FileRefusedException">The target is not a regular file (or absent).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (name.Length == 0)
        {
            throw new FileRefusedException($"Output '{path}' names a folder, not a file.", full, FileEntryKind.Directory);
        }

        CheckTarget(full);
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            // CreateNew is O_CREAT | O_EXCL: it never follows a link planted at the temporary name.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // Checked again just before the rename: the content may have taken minutes to write.
            CheckTarget(full);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Refuses an output target that exists and is not a regular file; links are not followed.</summary>
    /// <exception cref="FileRefusedException">A link, folder, device, FIFO or socket is there.</exception>
    public static void CheckTarget(string path)
    {
        var entry = FileProbe.Inspect(path, followLinks: false);
        if (entry.Kind is not (FileEntryKind.Missing or FileEntryKind.RegularFile))
        {
            throw new FileRefusedException(
                $"Output '{path}' is {entry.Describe()}; outputs only create or replace regular files. Remove it or choose another path.",
                path,
                entry.Kind);
        }
    }

    private static void Check(string path, FileEntry entry, long maxBytes, string what)
    {
        switch (entry.Kind)
        {
            case FileEntryKind.Missing:
                throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
            case FileEntryKind.Directory:
                throw new FileRefusedException($"{what} '{path}' is a directory, not a file.", path, entry.Kind);
            case FileEntryKind.RegularFile:
                if (entry.Length > maxBytes)
                {
                    throw new FileRefusedException($"{what} '{path}' is {entry.Length:N0} bytes, over the {maxBytes:N0}-byte limit for such files.", path, entry.Kind);
                }

                return;
            default:
                throw new FileRefusedException($"{what} '{path}' is {entry.Describe()}, not a regular file; only regular files are read.", path, entry.Kind);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string pathname, int flags);
}
