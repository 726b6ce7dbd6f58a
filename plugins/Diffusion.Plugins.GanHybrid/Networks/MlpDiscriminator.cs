using Diffusion.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The discriminator for points: e = time_proj(emb(t)), h = LReLU(input_proj([x_{t−1}, x_t])), per block
/// h = h + LReLU(hidden_layers.i(h + e)) (LeakyReLU 0.2 as DDGAN's discriminators), logit = output_proj(h)
/// [+ ⟨class_embedding(y), h⟩]. With <c>fourier_features</c> L &gt; 0 both points enter as their positional encodings
/// (<see cref="FourierFeatures"/>).
/// </summary>
public sealed class MlpDiscriminator : Discriminator
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly Timesteps time_features;
    private readonly Linear time_proj;
    private readonly Linear input_proj;
    private readonly ModuleList<Linear> hidden_layers;
    private readonly Linear output_proj;
    private readonly Embedding? class_embedding;
#pragma warning restore IDE1006, SA1300
    private readonly int fourierFeatures;

    /// <summary>Creates the network.</summary>
    public MlpDiscriminator(int dataDim, int hidden, int layers, int embeddingDim, int numClasses, int fourierFeatures)
        : base(nameof(MlpDiscriminator))
    {
        this.fourierFeatures = fourierFeatures;
        time_features = new Timesteps(embeddingDim, flipSinToCos: false, downscaleFreqShift: 1);
        time_proj = nn.Linear(embeddingDim, hidden);
        input_proj = nn.Linear(2 * FourierFeatures.Width(dataDim, fourierFeatures), hidden);
        hidden_layers = new ModuleList<Linear>([.. Enumerable.Range(0, layers).Select(_ => nn.Linear(hidden, hidden))]);
        output_proj = nn.Linear(hidden, 1);
        class_embedding = numClasses > 0 ? nn.Embedding(numClasses + 1, hidden) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor previous, Tensor current, Tensor time, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var e = time_proj.forward(time_features.forward(time).to(previous.dtype));
        var h = nn.functional.leaky_relu(input_proj.forward(cat([FourierFeatures.Encode(previous, fourierFeatures), FourierFeatures.Encode(current, fourierFeatures)], 1)), 0.2);
        foreach (var layer in hidden_layers)
        {
            h = h + nn.functional.leaky_relu(layer.forward(h + e), 0.2);
        }

        var logit = output_proj.forward(h).squeeze(1);
        if (class_embedding is not null && labels is not null)
        {
            logit = logit + (class_embedding.forward(labels.to(ScalarType.Int64, previous.device)) * h).sum(1);
        }

        return logit.MoveToOuterDisposeScope();
    }
}
