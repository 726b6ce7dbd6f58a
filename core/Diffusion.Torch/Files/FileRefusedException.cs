namespace Diffusion.Torch.Files;

/// <summary>
/// A file the engine was asked to read or write is not something it may touch: a folder where a file was expected,
/// a device, a named pipe, a symbolic link at an output, a file over its size limit. The message names the file and
/// what to do; hosts report it as invalid input.
/// </summary>
public sealed class FileRefusedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FileRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public FileRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public FileRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one path.</summary>
    public FileRefusedException(string message, string path, FileEntryKind kind)
        : base(message)
    {
        FilePath = path;
        Kind = kind;
    }

    /// <summary>The path refused.</summary>
    public string? FilePath { get; }

    /// <summary>What the path turned out to be.</summary>
    public FileEntryKind Kind { get; }
}
