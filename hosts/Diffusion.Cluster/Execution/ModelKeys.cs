using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// The keys of a pipeline's source nodes (no inputs, no side effects): schedules and model loaders, whose outputs the
/// engine caches under these same content hashes. A silo that ran a pipeline with one of these keys has it in memory.
/// </summary>
public static class ModelKeys
{
    public static IReadOnlyList<string> Of(ValidatedPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var keys = new List<string>();
        var none = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes.Where(n => n.Inputs.Count == 0 && !n.Type.Descriptor.HasSideEffects))
        {
            try
            {
                var fingerprint = node.Type.NodeType.Fingerprint(new NodeValidationContext(node.Id, node.Params, pipeline.Definition.BaseDirectory));
                keys.Add(CacheKeys.Compute(node, none, fingerprint));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A node that cannot fingerprint itself (its file vanished) is no affinity; the run reports the problem.
            }
        }

        return keys;
    }
}
