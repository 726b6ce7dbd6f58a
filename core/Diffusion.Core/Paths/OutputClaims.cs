using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Which node writes which output, so two nodes can never write the same file, nor one write into a folder another
/// node fills. Keys are output paths relative to the output folder; each claim costs O(depth), so a pipeline with
/// 100,000 outputs is checked in linear time.
/// </summary>
internal sealed class OutputClaims
{
    private readonly Dictionary<string, OutputClaim> exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OutputClaim> folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OutputClaim> below = new(StringComparer.Ordinal);

    /// <summary>Records a claim; returns the earlier claim it collides with, or null.</summary>
    public OutputClaim? TryClaim(OutputClaim claim)
    {
        if (exact.TryGetValue(claim.Key, out var same))
        {
            return same;
        }

        foreach (var ancestor in Ancestors(claim.Key))
        {
            if (folders.TryGetValue(ancestor, out var folder) && folder.Node != claim.Node)
            {
                return folder;
            }
        }

        if (below.TryGetValue(claim.Key, out var inside) && (claim.Kind == PathKind.OutputFile || inside.Node != claim.Node))
        {
            return inside;
        }

        exact[claim.Key] = claim;
        if (claim.Kind == PathKind.OutputFolder)
        {
            folders[claim.Key] = claim;
        }

        foreach (var ancestor in Ancestors(claim.Key))
        {
            below.TryAdd(ancestor, claim);
        }

        return null;
    }

    private static IEnumerable<string> Ancestors(string key)
    {
        if (key.Length == 0)
        {
            yield break;
        }

        // The output folder itself ("") is everyone's ancestor: a node that writes into "." collides with all.
        yield return "";
        for (var slash = key.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = key.IndexOf('/', slash + 1))
        {
            yield return key[..slash];
        }
    }
}

/// <summary>One node's claim on an output path.</summary>
/// <param name="Key">The path relative to the output folder ("" for the folder itself).</param>
/// <param name="Kind">File or folder.</param>
/// <param name="Node">The node.</param>
/// <param name="Param">The param that names it.</param>
/// <param name="Written">The path as written.</param>
internal sealed record OutputClaim(string Key, PathKind Kind, string Node, string Param, string Written);
