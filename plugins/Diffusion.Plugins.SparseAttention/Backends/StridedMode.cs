namespace Diffusion.Plugins.SparseAttention;

/// <summary>The two factorised patterns of the Sparse Transformer (Child et al. 2019, §4.2).</summary>
public enum StridedMode
{
    /// <summary>Local window of l plus every l-th position.</summary>
    Strided,

    /// <summary>Own block of l plus the last c positions of every block.</summary>
    Fixed,
}
