using System.Text.Json.Nodes;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;

namespace Diffusion.Cluster.Execution;

/// <summary>How an attempt ended: a final state with its reason, or null when the silo stopped under it (run it again).</summary>
/// <param name="State">The run's final state, or null when the attempt was interrupted by the silo stopping.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
/// <param name="Issues">Validation issues as the API shows them, when it failed on them.</param>
/// <param name="Outputs">The files in the run's folder.</param>
/// <param name="ModelKeys">The keys of the pipeline's source nodes (what this silo now has loaded).</param>
public sealed record AttemptOutcome(RunState? State, string? Error, JsonNode? Issues, IReadOnlyList<RunOutput> Outputs, IReadOnlyList<string> ModelKeys);
