namespace Diffusion.Contracts;

/// <summary>
/// A node was given input it cannot use: a missing, unreadable or corrupt file, a path outside the declared roots, a
/// value that contradicts what the node was linked to. Hosts report it as invalid input (the CLI exits with 2), not as
/// a failure of the node. The message says what, where (the file or param) and what to do.
/// </summary>
public class InvalidInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidInputException()
        : this("The node was given input it cannot use.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, where and what to do.</param>
    public InvalidInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, where and what to do.</param>
    /// <param name="innerException">The error that revealed it.</param>
    public InvalidInputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one file.</summary>
    /// <param name="message">What is wrong, where and what to do.</param>
    /// <param name="filePath">The file or folder at fault.</param>
    /// <param name="innerException">The error that revealed it.</param>
    public InvalidInputException(string message, string filePath, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file or folder at fault, when there is one.</summary>
    public string? FilePath { get; }
}
