using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Lets a host resume a run that an earlier attempt left unfinished (a cluster worker lost mid-run): before a node
/// runs, the host may answer it from what the earlier attempt completed; after a node completes, the host hears which
/// files it wrote. Set through <see cref="RunOptions.Resume"/>; the engine itself keeps nothing between attempts.
/// </summary>
public interface INodeResume
{
    /// <summary>
    /// Called before a node runs (after the engine's cache missed). Returns true with the node's outputs when an earlier
    /// attempt of this run completed the node under the same <paramref name="key"/> (its content hash: type, params,
    /// inputs) and whatever it wrote is back in <paramref name="outputRoot"/>; the node then does not run.
    /// </summary>
    bool TryRestore(ValidatedNode node, string key, string outputRoot, out NodeOutputs outputs);

    /// <summary>
    /// Called after a node completed, with the files it wrote through <see cref="INodeExecutionContext.ResolveOutputPath"/>
    /// (full paths inside <paramref name="outputRoot"/>). Called from node threads, possibly at once for independent nodes.
    /// </summary>
    void Completed(ValidatedNode node, string key, string outputRoot, NodeOutputs outputs, IReadOnlyList<string> files);
}
