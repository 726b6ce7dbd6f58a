using Diffusion.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The DDGAN generator for images [batch, C, S, S]: a small UNet (two resolutions down, one middle block, two up, skip
/// concatenation) whose group norms are modulated by the latent code w = mapping(z) (AdaGN, as the DDGAN NCSN++
/// generator, Xiao et al. 2022), with the time (and class) embedding added in every block as in DDPM's UNet
/// (Ho et al. 2020, App. B). Channels c·m₀, c·m₁, c·m₂ at S, ⌈S/2⌉, ⌈S/4⌉ (stride-2 convolutions with padding 1); S is at least 4 and may be odd, since
/// each upsampling goes to its skip's exact size. The output is x̂_0,
/// squashed by tanh when <c>output_tanh</c> (data in [−1, 1], the DDGAN default).
/// </summary>
public sealed class ConvGeneratorNetwork : GeneratorNetwork
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly Timesteps time_features;
    private readonly Linear time_proj1;
    private readonly Linear time_proj2;
    private readonly Embedding? class_embedding;
    private readonly ModuleList<Linear> mapping;
    private readonly Conv2d conv_in;
    private readonly ConvResBlock down0;
    private readonly Conv2d downsample0;
    private readonly ConvResBlock down1;
    private readonly Conv2d downsample1;
    private readonly ConvResBlock mid;
    private readonly Conv2d upsample1;
    private readonly ConvResBlock up1;
    private readonly Conv2d upsample0;
    private readonly ConvResBlock up0;
    private readonly AdaptiveGroupNorm norm_out;
    private readonly Conv2d conv_out;
#pragma warning restore IDE1006, SA1300
    private readonly bool outputTanh;

    /// <summary>Creates the network (weights set by <see cref="SeededInitialisation"/> afterwards).</summary>
    public ConvGeneratorNetwork(int channels, int baseChannels, IReadOnlyList<int> multipliers, int latentDim, int mappingLayers, int embeddingDim, int numClasses, bool outputTanh)
        : base(nameof(ConvGeneratorNetwork))
    {
        ArgumentNullException.ThrowIfNull(multipliers);
        if (multipliers.Count != 3)
        {
            throw new ArgumentException($"denoiser.ddgan: channel_mult needs 3 numbers (for S, S/2, S/4), got {multipliers.Count}.", nameof(multipliers));
        }

        this.outputTanh = outputTanh;
        long c0 = baseChannels * multipliers[0], c1 = baseChannels * multipliers[1], c2 = baseChannels * multipliers[2];
        time_features = new Timesteps(embeddingDim, flipSinToCos: false, downscaleFreqShift: 1);
        time_proj1 = nn.Linear(embeddingDim, embeddingDim);
        time_proj2 = nn.Linear(embeddingDim, embeddingDim);
        class_embedding = numClasses > 0 ? nn.Embedding(numClasses + 1, embeddingDim) : null;
        mapping = new ModuleList<Linear>([.. Enumerable.Range(0, mappingLayers).Select(i => nn.Linear(i == 0 ? latentDim : embeddingDim, embeddingDim))]);
        conv_in = nn.Conv2d(channels, c0, 3, padding: 1);
        down0 = new ConvResBlock(c0, c0, embeddingDim, embeddingDim);
        downsample0 = nn.Conv2d(c0, c1, 3, stride: 2, padding: 1);
        down1 = new ConvResBlock(c1, c1, embeddingDim, embeddingDim);
        downsample1 = nn.Conv2d(c1, c2, 3, stride: 2, padding: 1);
        mid = new ConvResBlock(c2, c2, embeddingDim, embeddingDim);
        upsample1 = nn.Conv2d(c2, c1, 3, padding: 1);
        up1 = new ConvResBlock(2 * c1, c1, embeddingDim, embeddingDim);
        upsample0 = nn.Conv2d(c1, c0, 3, padding: 1);
        up0 = new ConvResBlock(2 * c0, c0, embeddingDim, embeddingDim);
        norm_out = new AdaptiveGroupNorm(c0, embeddingDim);
        conv_out = nn.Conv2d(c0, channels, 3, padding: 1);
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

        embedding = time_proj2.forward(nn.functional.silu(time_proj1.forward(embedding)));
        var w = latent.to(sample.dtype);
        foreach (var layer in mapping)
        {
            w = nn.functional.silu(layer.forward(w));
        }

        var h0 = down0.forward(conv_in.forward(sample), embedding, w);
        var h1 = down1.forward(downsample0.forward(h0), embedding, w);
        var h = mid.forward(downsample1.forward(h1), embedding, w);
        h = upsample1.forward(Upsample(h, h1));
        h = up1.forward(cat([h, h1], 1), embedding, w);
        h = upsample0.forward(Upsample(h, h0));
        h = up0.forward(cat([h, h0], 1), embedding, w);
        var output = conv_out.forward(nn.functional.silu(norm_out.forward(h, w)));
        return (outputTanh ? output.tanh() : output).MoveToOuterDisposeScope();
    }

    // Nearest-neighbour upsampling to the skip's size (S/4 → S/2 → S; odd sizes such as 7 → 14 are exact doubles).
    private static Tensor Upsample(Tensor h, Tensor like) =>
        nn.functional.interpolate(h, size: [like.shape[2], like.shape[3]], mode: InterpolationMode.Nearest);
}
