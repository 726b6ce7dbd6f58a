using Microsoft.Extensions.Logging;

namespace Diffusion.Contracts;

/// <summary>What a node sees while it executes.</summary>
public interface INodeExecutionContext
{
    /// <summary>The node's id in the pipeline.</summary>
    string NodeId { get; }

    /// <summary>The run this node belongs to (seed, device, dtype, output folder).</summary>
    RunContext Run { get; }

    /// <summary>The params bound to the node type's options record (defaults filled in, already validated).</summary>
    TOptions GetParams<TOptions>() where TOptions : class;

    /// <summary>The value linked to an input; throws when a required input is absent.</summary>
    T GetInput<T>(string name) where T : class;

    /// <summary>The value linked to an optional input, or null.</summary>
    T? GetOptionalInput<T>(string name) where T : class;

    /// <summary>The values linked to a variadic input, in the order written (empty when none).</summary>
    IReadOnlyList<T> GetInputs<T>(string name) where T : class;

    /// <summary>Reports step progress of this node (step i of n, plus named values such as loss).</summary>
    IProgress<NodeProgress> Progress { get; }

    /// <summary>Signalled when the run is cancelled; long loops check it every step.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>A logger named after the node type.</summary>
    ILogger Logger { get; }

    /// <summary>The host's services.</summary>
    IServiceProvider Services { get; }

    /// <summary>
    /// Resolves a path from params against the pipeline's folder, with symbolic links resolved, and checks that it lies
    /// inside an input root (the pipeline's folder, or a root the host configured).
    /// </summary>
    /// <exception cref="InvalidInputException">The path is empty or leads outside every input root.</exception>
    string ResolveInputPath(string path);

    /// <summary>
    /// Resolves a relative output path against the run's output folder, checks that it stays inside it (symbolic links
    /// resolved), that no other node of the run writes it, and that it does not replace an existing file unless the
    /// run allows overwriting; then creates its folder.
    /// </summary>
    /// <exception cref="InvalidInputException">The path is empty, absolute, leaves the output folder, is claimed by another
    /// node, or names an existing file (without overwrite), a folder, a link or a device.</exception>
    string ResolveOutputPath(string path);
}
