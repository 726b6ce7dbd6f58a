namespace Diffusion.Core;

/// <summary>A node failed while running; the message names the node and its type.</summary>
public sealed class PipelineExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PipelineExecutionException(string nodeId, string nodeType, string message, Exception? inner = null)
        : base($"Node \"{nodeId}\" ({nodeType}): {message}", inner)
    {
        NodeId = nodeId;
        NodeType = nodeType;
    }

    /// <summary>The failing node.</summary>
    public string NodeId { get; }

    /// <summary>Its type.</summary>
    public string NodeType { get; }
}
