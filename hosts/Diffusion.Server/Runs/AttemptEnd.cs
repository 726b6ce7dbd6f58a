namespace Diffusion.Server.Runs;

/// <summary>How one execution of a run ended, before its host decides what that means for the run.</summary>
internal enum AttemptEnd
{
    /// <summary>The host stopped under it (server shutdown, silo lost): the run goes back to the queue.</summary>
    Interrupted,

    /// <summary>A client cancelled it.</summary>
    Cancelled,

    /// <summary>It ran past <see cref="ServerOptions.RunTimeLimit"/>.</summary>
    TimedOut,

    Succeeded,

    /// <summary>Invalid at execution time, or a node failed.</summary>
    Failed,
}
