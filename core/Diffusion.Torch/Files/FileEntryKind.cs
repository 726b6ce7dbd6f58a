namespace Diffusion.Torch.Files;

/// <summary>What a path names on disk, as far as reading and writing safely is concerned.</summary>
public enum FileEntryKind
{
    /// <summary>Nothing is there (or a folder on the way is missing).</summary>
    Missing,

    /// <summary>A regular file: the only thing the engine reads data from or replaces.</summary>
    RegularFile,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (only reported when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening it blocks until a writer appears.</summary>
    Fifo,

    /// <summary>A character device such as <c>/dev/zero</c> or <c>/dev/null</c>.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A Unix socket.</summary>
    Socket,

    /// <summary>Something else the platform reports.</summary>
    Other,
}
