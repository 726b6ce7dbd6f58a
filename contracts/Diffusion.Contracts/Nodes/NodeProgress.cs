namespace Diffusion.Contracts;

/// <summary>Progress of one node: step <see cref="Step"/> of <see cref="Total"/>, with optional named values.</summary>
/// <param name="Step">Steps completed (1-based after the first step).</param>
/// <param name="Total">Total steps, or 0 when unknown.</param>
/// <param name="Message">A short status such as <c>ddim-50</c>.</param>
/// <param name="Values">Numbers to show, e.g. loss and it/s.</param>
public readonly record struct NodeProgress(int Step, int Total, string? Message = null, IReadOnlyDictionary<string, double>? Values = null)
{
    /// <summary>
    /// A small PNG of the node's current result (a sampler's predicted x_0), or null. Nodes make one only when
    /// <see cref="RunContext.PreviewInterval"/> asks for previews, at most once per that interval.
    /// </summary>
    public ReadOnlyMemory<byte>? Preview { get; init; }
}
