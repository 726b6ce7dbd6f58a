using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>The stack of <see cref="ClipEncoderLayer"/>s (transformers' <c>CLIPEncoder</c>: layers).</summary>
public sealed class ClipEncoder : nn.Module
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    /// <summary>Creates <see cref="ClipTextConfig.NumHiddenLayers"/> layers.</summary>
    public ClipEncoder(ClipTextConfig config, IAttentionBackend? backend)
        : base(nameof(ClipEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        layers = new ModuleList<ClipEncoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            layers.Add(new ClipEncoderLayer(config, backend));
        }

        RegisterComponents();
    }

    /// <summary>Runs the first <paramref name="count"/> layers over <paramref name="hidden"/> [b, n, d].</summary>
    public Tensor Forward(Tensor hidden, Tensor? mask, int count)
    {
        using var scope = NewDisposeScope();
        var h = hidden;
        for (int i = 0; i < count; i++)
        {
            h = layers[i].Forward(h, mask);
        }

        return h.MoveToOuterDisposeScope();
    }
}
