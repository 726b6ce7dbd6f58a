namespace Diffusion.Core;

/// <summary>A node that failed, with the error a user sees.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="NodeType">Its type.</param>
/// <param name="Message">What went wrong, on one line, naming the node (and the file, when one was at fault).</param>
/// <param name="Exception">The exception, for logs.</param>
public sealed record NodeFailure(string NodeId, string NodeType, string Message, Exception? Exception)
{
    /// <summary>
    /// Whether the node's input was at fault (a missing, unreadable or corrupt file, a path outside its root) rather than
    /// the node; the CLI exits with 2 for these, 1 for other failures.
    /// </summary>
    public bool InvalidInput { get; init; }
}
