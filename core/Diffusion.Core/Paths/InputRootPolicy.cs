using Diffusion.Torch.Files;

namespace Diffusion.Core;

/// <summary>
/// Which folders a pipeline may read from (docs/adr/0010-path-containment.md). By default: the pipeline file's folder
/// and the <c>data/</c> and <c>models/</c> folders beside it (the repository's layout: <c>pipelines/</c> reads
/// <c>pipelines/models/...</c> and <c>../data/mnist</c>), plus every configured root. A host that takes pipelines from
/// strangers (a server) turns the pipeline-folder default off and names its roots.
/// </summary>
public sealed record InputRootPolicy
{
    /// <summary>The folders beside the pipeline's folder that are roots too, when they exist.</summary>
    public static IReadOnlyList<string> SiblingFolders { get; } = ["data", "models"];

    /// <summary>The default: the pipeline's folder and its data/ and models/ siblings, nothing else.</summary>
    public static InputRootPolicy Default { get; } = new();

    /// <summary>Extra input roots (relative ones resolve against the current folder).</summary>
    public IReadOnlyList<string> ExtraRoots { get; init; } = [];

    /// <summary>Whether the pipeline file's folder and its data/ and models/ siblings are roots.</summary>
    public bool PipelineFolderIsRoot { get; init; } = true;

    /// <summary>This policy with more roots.</summary>
    public InputRootPolicy With(IEnumerable<string>? extraRoots, bool pipelineFolderIsRoot = true) => this with
    {
        ExtraRoots = [.. ExtraRoots, .. extraRoots ?? []],
        PipelineFolderIsRoot = PipelineFolderIsRoot && pipelineFolderIsRoot,
    };

    /// <summary>The roots for a pipeline whose relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public IReadOnlyList<InputRoot> RootsFor(string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        var roots = new List<InputRoot>();
        if (PipelineFolderIsRoot)
        {
            var folder = LinkResolution.Resolve(baseDirectory);
            roots.Add(new InputRoot(folder, "the pipeline's folder"));
            var parent = Path.GetDirectoryName(Path.GetFullPath(baseDirectory));
            if (parent is not null)
            {
                foreach (var sibling in SiblingFolders)
                {
                    var candidate = Path.Combine(parent, sibling);
                    if (Directory.Exists(candidate))
                    {
                        roots.Add(new InputRoot(LinkResolution.Resolve(candidate), $"the {sibling}/ folder beside the pipeline's folder"));
                    }
                }
            }
        }

        foreach (var root in ExtraRoots.Where(r => !string.IsNullOrWhiteSpace(r)))
        {
            roots.Add(new InputRoot(LinkResolution.Resolve(root), "a configured input root"));
        }

        return roots;
    }
}
