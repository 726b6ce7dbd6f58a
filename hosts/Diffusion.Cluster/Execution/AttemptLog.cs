using System.Collections.Concurrent;
using Diffusion.Cluster.Grains;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// What an attempt produced while it runs on worker threads: events to store and nodes completed with their files.
/// The run grain drains it on its own thread (a timer a few times a second, and once at the end) into its state.
/// </summary>
public sealed class AttemptLog
{
    public ConcurrentQueue<(string Kind, string Data)> Events { get; } = new();

    public ConcurrentQueue<(string Key, List<StoredFile> Files)> CompletedNodes { get; } = new();

    /// <summary>The latest progress (JSON), or null before the first engine event.</summary>
    public string? ProgressJson { get; set; }
}
