using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Server.Runs;

/// <summary>
/// Where a <see cref="ProgressTracker"/> puts the events of one execution: the server's SQLite store, or a cluster
/// attempt's log that its run grain drains. Called under the tracker's lock, in the order the events are kept.
/// </summary>
internal interface IRunEventSink
{
    /// <summary>Stores one event, with the run's progress after it.</summary>
    void Append(string kind, JsonObject data, string progressJson);

    /// <summary>Replaces the run's preview with <paramref name="png"/> and stores the event that announces it.</summary>
    void Preview(PipelineEvent source, ReadOnlyMemory<byte> png);
}
