namespace Diffusion.Torch.Files;

/// <summary>The kind and size of a path, from one <c>stat</c>.</summary>
/// <param name="Kind">What the path names.</param>
/// <param name="Length">Size in bytes of a regular file (0 for anything else).</param>
public readonly record struct FileEntry(FileEntryKind Kind, long Length)
{
    /// <summary>A few words for messages: "a directory", "a named pipe (FIFO)", "a character device".</summary>
    public string Describe() => Kind switch
    {
        FileEntryKind.Missing => "missing",
        FileEntryKind.RegularFile => "a regular file",
        FileEntryKind.Directory => "a directory",
        FileEntryKind.SymbolicLink => "a symbolic link",
        FileEntryKind.Fifo => "a named pipe (FIFO)",
        FileEntryKind.CharacterDevice => "a character device",
        FileEntryKind.BlockDevice => "a block device",
        FileEntryKind.Socket => "a socket",
        _ => "not a regular file",
    };
}
