using Diffusion.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The DDGAN generator for points [batch, d]: an MLP whose residual blocks are normalised and then modulated by the
/// latent: the fully connected counterpart of the DDGAN generator, which feeds z through a mapping network into the
/// adaptive group norms of its NCSN++ UNet (Xiao et al. 2022; StyleGAN's AdaIN, Karras et al. 2019).
/// w = mapping(z) (a SiLU MLP), e = SiLU(time_proj(emb(t) [+ class_embedding(y)])), h = SiLU(input_proj([x_t, z])), then per
/// block h = h + SiLU(hidden_layers.i(LN(h)·(1 + γ_i(w)) + β_i(w) + e)) with [γ_i, β_i] = modulations.i(w) (zero at
/// start), output = output_proj(h) = x̂_0. With <c>fourier_features</c> L &gt; 0 the input x_t enters as its positional
/// encoding (<see cref="FourierFeatures"/>). State-dict keys are the field names.
/// </summary>
public sealed class MlpGeneratorNetwork : GeneratorNetwork
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly Timesteps time_features;
    private readonly Linear time_proj;
    private readonly Embedding? class_embedding;
    private readonly ModuleList<Linear> mapping;
    private readonly Linear input_proj;
    private readonly ModuleList<Linear> modulations;
    private readonly ModuleList<Linear> hidden_layers;
    private readonly Linear output_proj;
#pragma warning restore IDE1006, SA1300
    private readonly long hidden;
    private readonly int fourierFeatures;

    /// <summary>Creates the network (weights set by <see cref="SeededInitialisation"/> afterwards).</summary>
    public MlpGeneratorNetwork(int dataDim, int hidden, int layers, int latentDim, int mappingLayers, int embeddingDim, int numClasses, int fourierFeatures)
        : base(nameof(MlpGeneratorNetwork))
    {
        this.hidden = hidden;
        this.fourierFeatures = fourierFeatures;
        time_features = new Timesteps(embeddingDim, flipSinToCos: false, downscaleFreqShift: 1);
        time_proj = nn.Linear(embeddingDim, hidden);
        class_embedding = numClasses > 0 ? nn.Embedding(numClasses + 1, embeddingDim) : null;
        mapping = new ModuleList<Linear>([.. Enumerable.Range(0, mappingLayers).Select(i => nn.Linear(i == 0 ? latentDim : hidden, hidden))]);
        input_proj = nn.Linear(FourierFeatures.Width(dataDim, fourierFeatures) + latentDim, hidden);
        modulations = new ModuleList<Linear>([.. Enumerable.Range(0, layers).Select(_ => nn.Linear(hidden, 2 * hidden))]);
        hidden_layers = new ModuleList<Linear>([.. Enumerable.Range(0, layers).Select(_ => nn.Linear(hidden, hidden))]);
        output_proj = nn.Linear(hidden, dataDim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor sample, Tensor time, Tensor latent, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var embedding = time_features.forward(time).to(sample.dtype);
        if (class_embedding is not null && labels is not null)
        {
            embedding = embedding + class_embedding.forward(labels.to(ScalarType.Int64, sample.device));
        }

        var e = nn.functional.silu(time_proj.forward(embedding));
        var w = latent.to(sample.dtype);
        foreach (var layer in mapping)
        {
            w = nn.functional.silu(layer.forward(w));
        }

        var h = nn.functional.silu(input_proj.forward(cat([FourierFeatures.Encode(sample, fourierFeatures), latent.to(sample.dtype)], 1)));
        for (int i = 0; i < hidden_layers.Count; i++)
        {
            var style = modulations[i].forward(w).chunk(2, 1);
            var normalised = nn.functional.layer_norm(h, [hidden]);
            var modulated = (normalised * (1 + style[0])) + style[1];
            h = h + nn.functional.silu(hidden_layers[i].forward(modulated + e));
        }

        return output_proj.forward(h).MoveToOuterDisposeScope();
    }
}
