using TorchSharp;

namespace Diffusion.Nn;

/// <summary>Gives every attention layer of a network its module path, which is also its checkpoint key prefix.</summary>
public static class AttentionLayerNames
{
    /// <summary>Sets <see cref="IAttentionLayer.LayerName"/> on every attention layer under <paramref name="root"/>.</summary>
    public static void Assign(torch.nn.Module root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var (name, module) in root.named_modules())
        {
            if (module is IAttentionLayer layer)
            {
                layer.LayerName = name;
            }
        }
    }
}
