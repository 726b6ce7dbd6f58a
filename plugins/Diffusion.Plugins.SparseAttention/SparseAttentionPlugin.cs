using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Registers the attention backends (<c>attention.*</c>), the router, pattern pictures and the output comparison.</summary>
public sealed class SparseAttentionPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new DenseAttentionNode());
        registrar.AddNodeType(new ChunkedAttentionNode());
        registrar.AddNodeType(new NeighborhoodAttentionNode());
        registrar.AddNodeType(new LongformerAttentionNode());
        registrar.AddNodeType(new BigBirdAttentionNode());
        registrar.AddNodeType(new StridedAttentionNode());
        registrar.AddNodeType(new AttentionRouteNode());
        registrar.AddNodeType(new AttentionPatternNode());
        registrar.AddNodeType(new AttentionCompareNode());
    }
}
