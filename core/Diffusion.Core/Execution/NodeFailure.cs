namespace Diffusion.Core;

/// <summary>A node that failed, with the error a user sees.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="NodeType">Its type.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Exception">The exception, for logs.</param>
public sealed record NodeFailure(string NodeId, string NodeType, string Message, Exception? Exception);
