namespace Diffusion.Core;

/// <summary>
/// Host settings, read through <c>IOptions&lt;DiffusionOptions&gt;</c>: set them in <c>AddDiffusion(o => ...)</c> or bind a
/// configuration section (<c>AddDiffusion(builder.Configuration.GetSection("Diffusion"))</c>); they are validated when the
/// host starts (<see cref="DiffusionOptionsValidator"/>).
/// </summary>
public sealed class DiffusionOptions
{
    /// <summary>The configuration section name used by convention (<c>"Diffusion"</c>).</summary>
    public const string SectionName = "Diffusion";

    /// <summary>
    /// Plugin folders: a folder of plugin folders (e.g. the CLI's <c>plugins/</c>) or one plugin folder (has plugin.json).
    /// They are loaded when <c>AddDiffusion</c> runs (plugins add services); <c>IDiffusionBuilder.AddPluginFolder</c> adds more.
    /// </summary>
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

    /// <summary>The most tensor elements one run may ask for, summed over its nodes' estimates (checked before it runs).</summary>
    public long MaxRunElements { get; set; } = RunBudget.Default.MaxElements;

    /// <summary>The most network evaluations one run may ask for, summed over its nodes' estimates.</summary>
    public long MaxRunNetworkCalls { get; set; } = RunBudget.Default.MaxNetworkCalls;

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
