namespace Diffusion.Contracts;

/// <summary>
/// What one node of a pipeline will roughly cost, known from its params (and its inputs' traits) before anything runs:
/// tensor elements it allocates at its peak (float32: 4 bytes each) and network evaluations it makes. The validator adds
/// the nodes' estimates and refuses a run over the host's budget, naming the node and the param to lower.
/// </summary>
/// <param name="Elements">Peak tensor elements allocated (an upper estimate).</param>
/// <param name="NetworkCalls">Network evaluations (forward passes; a training step counts one).</param>
/// <param name="Explanation">How the numbers come about, for the message, e.g. <c>count 1000 × 784 elements × 4 working copies</c>.</param>
public sealed record ResourceEstimate(long Elements, long NetworkCalls, string Explanation)
{
    /// <summary>The param that drives <see cref="Elements"/> most, for the pointer (null: the node).</summary>
    public string? ElementsParam { get; init; }

    /// <summary>The param that drives <see cref="NetworkCalls"/> most, for the pointer (null: the node).</summary>
    public string? CallsParam { get; init; }

    /// <summary>Saturating product: estimates multiply params that are each bounded, but their product may not fit a long.</summary>
    public static long Times(params long[] factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        long product = 1;
        foreach (var factor in factors)
        {
            if (factor <= 0)
            {
                return 0;
            }

            product = product > long.MaxValue / factor ? long.MaxValue : product * factor;
        }

        return product;
    }
}
