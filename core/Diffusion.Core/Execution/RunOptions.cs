namespace Diffusion.Core;

/// <summary>Settings of one run.</summary>
public sealed record RunOptions
{
    /// <summary>The run id; a new one is made when null.</summary>
    public string? RunId { get; init; }

    /// <summary>The run's default seed (nodes with their own <c>seed</c> param use that).</summary>
    public long Seed { get; init; }

    /// <summary>Device spec <c>auto | cpu | cuda[:n]</c>; null takes the host's default.</summary>
    public string? Device { get; init; }

    /// <summary>Folder for outputs with relative paths; null takes the host's default (current folder).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>How many independent nodes may run at once (1: strictly sequential).</summary>
    public int MaxParallelism { get; init; } = 2;

    /// <summary>Whether node outputs may come from (and go to) the host's cache.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>
    /// Whether outputs may replace existing files (regular files only: links, folders and devices are never replaced).
    /// Off by default: a run that would replace a file fails before it starts.
    /// </summary>
    public bool Overwrite { get; init; }

    /// <summary>Folders inputs may be read from besides the host's (see <see cref="InputRootPolicy"/>).</summary>
    public IReadOnlyList<string> InputRoots { get; init; } = [];

    /// <summary>Whether the pipeline file's folder and the data/ and models/ folders beside it are input roots.</summary>
    public bool PipelineFolderIsInputRoot { get; init; } = true;

    /// <summary>
    /// Step previews: null (the default) makes none; a time asks sampling nodes for a small PNG of their current
    /// result at most that often (carried by <see cref="Diffusion.Contracts.PipelineEvent.Preview"/>).
    /// </summary>
    public TimeSpan? PreviewInterval { get; init; }

    /// <summary>
    /// What an earlier attempt of this run completed, for a host that re-runs an interrupted run elsewhere (the cluster);
    /// null (the default) runs every node.
    /// </summary>
    public INodeResume? Resume { get; init; }
}
