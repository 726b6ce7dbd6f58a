namespace Diffusion.Core;

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Every node ran (or came from the cache).</summary>
    Succeeded,

    /// <summary>At least one node failed; independent branches still ran and their outputs are kept.</summary>
    Failed,

    /// <summary>The run was cancelled; nodes finished before that keep their outputs.</summary>
    Cancelled,
}
