using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The DDPM UNet (Ho et al. 2020, appendix B; Ronneberger et al. 2015) with diffusers' <c>UNet2DModel</c> module tree,
/// so its state dict keys are those of diffusers checkpoints: conv_in, time_proj/time_embedding, class_embedding,
/// down_blocks, mid_block, up_blocks, conv_norm_out, conv_out. Built from a <see cref="UNet2DConfig"/>.
/// Class conditioning follows diffusers: a learned table whose row is added to the time embedding.
/// </summary>
public sealed class UNet2DModel : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly Timesteps time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly Embedding? class_embedding;
    private readonly ModuleList<UNetDownBlock> down_blocks;
    private readonly UNetMidBlock2D? mid_block;
    private readonly ModuleList<UNetUpBlock> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Builds the network with freshly initialised weights.</summary>
    /// <param name="config">The architecture (validated here).</param>
    /// <param name="attentionBackend">Computes every attention layer; null means dense.</param>
    /// <exception cref="InvalidDataException">The config holds unsupported values.</exception>
    public UNet2DModel(UNet2DConfig config, IAttentionBackend? attentionBackend = null)
        : base(nameof(UNet2DModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("(in memory)");
        Config = config;
        var channels = config.BlockOutChannels;
        int groups = config.NormNumGroups!.Value;
        var resnet = new ResnetSettings(config.TimeEmbedDim, groups, config.NormEps, config.Dropout, config.TimeConditioning);

        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, stride: 1, padding: 1);
        time_proj = new Timesteps(channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(channels[0], config.TimeEmbedDim);
        if (config.NumClassEmbeds is int classes)
        {
            class_embedding = nn.Embedding(classes, config.TimeEmbedDim);
        }

        down_blocks = new ModuleList<UNetDownBlock>();
        int outputChannels = channels[0];
        for (int i = 0; i < channels.Count; i++)
        {
            int inputChannels = outputChannels;
            outputChannels = channels[i];
            bool isFinal = i == channels.Count - 1;
            int headDim = config.AttentionHeadDim ?? outputChannels;
            down_blocks.Add(config.DownBlockTypes[i] switch
            {
                "AttnDownBlock2D" => new AttnDownBlock2D(inputChannels, outputChannels, config.LayersPerBlock, resnet, headDim, !isFinal, config.DownsamplePadding, attentionBackend),
                _ => new DownBlock2D(inputChannels, outputChannels, config.LayersPerBlock, resnet, !isFinal, config.DownsamplePadding),
            });
        }

        if (config.MidBlockType is not null)
        {
            // diffusers: the mid attention's norm uses attn_norm_num_groups, else the ResNet groups only with default time conditioning.
            int? attentionGroups = config.AttnNormNumGroups
                ?? (config.TimeConditioning == ResnetTimeConditioning.Default ? groups : null);
            mid_block = new UNetMidBlock2D(
                channels[^1], resnet, config.AttentionHeadDim ?? channels[^1], attentionGroups, config.AddAttention, config.MidBlockScaleFactor, attentionBackend);
        }

        up_blocks = new ModuleList<UNetUpBlock>();
        var reversed = channels.Reverse().ToArray();
        outputChannels = reversed[0];
        for (int i = 0; i < reversed.Length; i++)
        {
            int prevOutputChannels = outputChannels;
            outputChannels = reversed[i];
            int inputChannels = reversed[Math.Min(i + 1, reversed.Length - 1)];
            bool isFinal = i == reversed.Length - 1;
            int headDim = config.AttentionHeadDim ?? outputChannels;
            up_blocks.Add(config.UpBlockTypes[i] switch
            {
                "AttnUpBlock2D" => new AttnUpBlock2D(inputChannels, outputChannels, prevOutputChannels, config.LayersPerBlock + 1, resnet, headDim, !isFinal, attentionBackend),
                _ => new UpBlock2D(inputChannels, outputChannels, prevOutputChannels, config.LayersPerBlock + 1, resnet, !isFinal),
            });
        }

        conv_norm_out = ChannelGroups.Create(groups, channels[0], config.NormEps, "conv_norm_out");
        conv_out = nn.Conv2d(channels[0], config.OutChannels, 3, stride: 1, padding: 1);
        RegisterComponents();
        AttentionLayerNames.Assign(this);
    }

    /// <summary>The architecture.</summary>
    public UNet2DConfig Config { get; }

    /// <summary>
    /// Predicts for <paramref name="sample"/> [b, c, h, w] at <paramref name="timestep"/> (a scalar or [b], the
    /// discrete training timestep, possibly fractional) with optional <paramref name="classLabels"/> [b] int64.
    /// </summary>
    /// <exception cref="ArgumentException">Labels are missing for a class-conditional model, or given to an unconditional one.</exception>
    public override Tensor forward(Tensor sample, Tensor timestep, Tensor? classLabels)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(timestep);
        using var scope = NewDisposeScope();
        if (Config.CenterInputSample)
        {
            sample = 2 * sample - 1.0;
        }

        long batch = sample.shape[0];
        var timesteps = (timestep.dim() == 0 ? timestep.unsqueeze(0) : timestep).to(sample.device);
        timesteps = timesteps.expand(batch);
        var emb = time_embedding.forward(time_proj.forward(timesteps).to(sample.dtype));
        if (class_embedding is not null)
        {
            if (classLabels is null)
            {
                throw new ArgumentException("This UNet2DModel is class-conditional (num_class_embeds is set): class labels are required.", nameof(classLabels));
            }

            emb = emb + class_embedding.forward(classLabels.to(ScalarType.Int64).to(sample.device)).to(emb.dtype);
        }
        else if (classLabels is not null)
        {
            throw new ArgumentException("Class labels were given, but this UNet2DModel has no class embedding (num_class_embeds is null).", nameof(classLabels));
        }

        var h = conv_in.forward(sample);
        var skips = new List<Tensor> { h };
        foreach (var block in down_blocks)
        {
            h = block.Forward(h, emb, skips);
        }

        if (mid_block is not null)
        {
            h = mid_block.forward(h, emb);
        }

        foreach (var block in up_blocks)
        {
            h = block.Forward(h, skips, emb);
        }

        h = conv_out.forward(nn.functional.silu(conv_norm_out.forward(h)));
        return h.MoveToOuterDisposeScope();
    }
}
