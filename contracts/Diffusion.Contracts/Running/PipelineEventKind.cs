namespace Diffusion.Contracts;

/// <summary>What a <see cref="PipelineEvent"/> reports.</summary>
public enum PipelineEventKind
{
    /// <summary>The run began.</summary>
    RunStarted,

    /// <summary>A node began executing.</summary>
    NodeStarted,

    /// <summary>A node reported step progress.</summary>
    NodeProgress,

    /// <summary>A node finished.</summary>
    NodeFinished,

    /// <summary>A node's outputs came from the cache.</summary>
    NodeCached,

    /// <summary>A node failed.</summary>
    NodeFailed,

    /// <summary>A node did not run because something it depends on failed or the run was cancelled.</summary>
    NodeSkipped,

    /// <summary>The run completed.</summary>
    RunFinished,

    /// <summary>The run failed.</summary>
    RunFailed,

    /// <summary>The run was cancelled.</summary>
    RunCancelled,
}
