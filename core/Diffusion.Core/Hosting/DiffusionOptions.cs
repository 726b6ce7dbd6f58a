using Microsoft.Extensions.Logging;

namespace Diffusion.Core;

/// <summary>Host settings for <c>services.AddDiffusion(o => ...)</c>.</summary>
public sealed class DiffusionOptions
{
    /// <summary>Plugin folders: a folder of plugin folders (e.g. the CLI's <c>plugins/</c>) or one plugin folder (has plugin.json).</summary>
    public IList<string> PluginPaths { get; } = [];

    /// <summary>Default device for runs: <c>auto | cpu | cuda[:n]</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>An external libtorch folder (a PyTorch install's <c>torch/lib</c>) for CUDA; null searches the defaults.</summary>
    public string? LibTorchDirectory { get; set; }

    /// <summary>Intra-op threads of libtorch; null keeps libtorch's default.</summary>
    public int? Threads { get; set; }

    /// <summary>Memory budget of the node output cache in bytes (0 disables caching).</summary>
    public long CacheBudgetBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Default number of independent nodes run at once.</summary>
    public int MaxParallelism { get; set; } = 2;

    /// <summary>
    /// Logs what happens while services are still being configured (plugin loading), before the app's own
    /// <see cref="ILoggerFactory"/> exists. Failures are also kept in <see cref="PluginInventory"/> either way.
    /// </summary>
    public ILoggerFactory? StartupLoggerFactory { get; set; }

    /// <summary>Default folder for outputs with relative paths; null is the current folder.</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>
    /// Folders pipelines may read inputs from besides the pipeline file's folder (and the data/ and models/ folders
    /// beside it); see <see cref="InputRootPolicy"/>. Input paths that lead anywhere else are validation errors.
    /// </summary>
    public IList<string> InputRoots { get; } = [];

    /// <summary>
    /// Whether the pipeline file's folder and the data/ and models/ folders beside it are input roots (default true).
    /// A host that runs pipelines from untrusted sources sets this to false and lists its roots in <see cref="InputRoots"/>.
    /// </summary>
    public bool PipelineFolderIsInputRoot { get; set; } = true;
}
