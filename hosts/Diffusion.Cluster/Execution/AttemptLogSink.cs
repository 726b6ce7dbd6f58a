using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Server;
using Diffusion.Server.Runs;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// A cluster attempt's event sink: events and progress into the <see cref="AttemptLog"/> that the run grain drains on its
/// own thread. Silos make no previews (the front end serves none yet), so a preview is never asked for.
/// </summary>
internal sealed class AttemptLogSink(AttemptLog log) : IRunEventSink
{
    public void Append(string kind, JsonObject data, string progressJson)
    {
        log.ProgressJson = progressJson;
        log.Events.Enqueue((kind, data.ToJsonString(ServerJson.Options)));
    }

    public void Preview(PipelineEvent source, ReadOnlyMemory<byte> png) =>
        throw new InvalidOperationException("cluster attempts run without previews (RunOptions.PreviewInterval is null)");
}
