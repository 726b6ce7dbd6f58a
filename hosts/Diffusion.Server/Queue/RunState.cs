namespace Diffusion.Server.Queue;

/// <summary>Where a run is in its life; stored as lower-case text in the queue database.</summary>
public enum RunState
{
    /// <summary>Accepted and waiting for a worker.</summary>
    Queued,

    /// <summary>A worker is executing it.</summary>
    Running,

    /// <summary>Every node ran.</summary>
    Succeeded,

    /// <summary>A node failed, the run broke its time limit, or it could not start; <c>error</c> says why.</summary>
    Failed,

    /// <summary>Cancelled by a client.</summary>
    Cancelled,
}

/// <summary>Text forms of <see cref="RunState"/>.</summary>
public static class RunStates
{
    /// <summary>The stored and serialised name (<c>queued</c>, <c>running</c>, ...).</summary>
    public static string Name(this RunState state) => state.ToString().ToLowerInvariant();

    /// <summary>Parses a stored name.</summary>
    public static RunState Parse(string text) => Enum.Parse<RunState>(text, ignoreCase: true);

    /// <summary>Whether the run has ended (nothing will change it any more).</summary>
    public static bool IsTerminal(this RunState state) => state is RunState.Succeeded or RunState.Failed or RunState.Cancelled;
}
