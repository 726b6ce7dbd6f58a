using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Server.Queue;

namespace Diffusion.Server.Runs;

/// <summary>The server's event sink: the run's rows in the <see cref="RunStore"/>, and a wake-up for its event streams.</summary>
internal sealed class StoreEventSink(string runId, RunStore store, RunEventNotifier notifier) : IRunEventSink
{
    public void Append(string kind, JsonObject data, string progressJson)
    {
        store.AppendEvent(runId, kind, data, progressJson);
        // Waiters continue asynchronously, so signalling under the tracker's lock does not run readers inside it.
        notifier.Signal(runId);
    }

    public void Preview(PipelineEvent source, ReadOnlyMemory<byte> png)
    {
        var version = store.SavePreview(runId, png.ToArray());
        store.AppendEvent(runId, RunEvents.Preview, RunEvents.PreviewOf(source, version, png.Length));
    }
}
