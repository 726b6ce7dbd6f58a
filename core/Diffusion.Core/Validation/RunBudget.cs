namespace Diffusion.Core;

/// <summary>
/// The most a single run may ask for, checked before anything runs against the nodes' <see cref="Diffusion.Contracts.ResourceEstimate"/>s:
/// a pipeline asking for 10⁹ samples or 10⁹ steps is refused with a message instead of filling the machine's memory.
/// </summary>
/// <param name="MaxElements">Tensor elements (float32: 4 bytes each) summed over the nodes' peaks.</param>
/// <param name="MaxNetworkCalls">Network evaluations summed over the nodes.</param>
public sealed record RunBudget(long MaxElements, long MaxNetworkCalls)
{
    /// <summary>2·10⁹ elements (8 GB of float32) and 5·10⁷ network calls: far above every shipped pipeline, far below a hostile one.</summary>
    public static RunBudget Default { get; } = new(2_000_000_000, 50_000_000);
}
