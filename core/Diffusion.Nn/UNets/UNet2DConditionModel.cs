using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The text-conditioned latent UNet of Stable Diffusion (Rombach et al. 2022, §3.3: ε_θ(z_t, t, τ_θ(y)) with
/// cross-attention to the text encoder's tokens) with diffusers' <c>UNet2DConditionModel</c> module tree, so its state
/// dict keys are those of diffusers checkpoints: conv_in, time_proj/time_embedding, class_embedding, down_blocks,
/// mid_block, up_blocks, conv_norm_out, conv_out. Built from a <see cref="UNet2DConditionConfig"/>; covers SD 1.x
/// (heads per block, 1x1-conv projections) and SD 2.x (per-block head lists, linear projections, upcast attention).
/// </summary>
public sealed class UNet2DConditionModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly Timesteps time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly Embedding? class_embedding;
    private readonly ModuleList<nn.Module> down_blocks;
    private readonly UNetMidBlock2DCrossAttn? mid_block;
    private readonly ModuleList<nn.Module> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Builds the network with freshly initialised weights.</summary>
    /// <param name="config">The architecture (validated here).</param>
    /// <param name="attentionBackend">Computes every attention layer; null means dense.</param>
    /// <exception cref="InvalidDataException">The config holds unsupported values.</exception>
    public UNet2DConditionModel(UNet2DConditionConfig config, IAttentionBackend? attentionBackend = null)
        : base(nameof(UNet2DConditionModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("(in memory)");
        Config = config;
        var channels = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        var resnet = new ResnetSettings(config.TimeEmbedDim, groups, config.NormEps, config.Dropout, config.TimeConditioning);
        TransformerSettings Transformer(int block) => new(
            config.AttentionHeadDim[block], config.TransformerLayersPerBlock[block], config.CrossAttentionDim[block], groups,
            config.UseLinearProjection, config.UpcastAttention);

        conv_in = nn.Conv2d(config.InChannels, channels[0], config.ConvInKernel, stride: 1, padding: (config.ConvInKernel - 1) / 2);
        time_proj = new Timesteps(channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(channels[0], config.TimeEmbedDim);
        if (config.NumClassEmbeds is int classes)
        {
            class_embedding = nn.Embedding(classes, config.TimeEmbedDim);
        }

        down_blocks = new ModuleList<nn.Module>();
        int outputChannels = channels[0];
        for (int i = 0; i < channels.Count; i++)
        {
            int inputChannels = outputChannels;
            outputChannels = channels[i];
            bool isFinal = i == channels.Count - 1;
            down_blocks.Add(config.DownBlockTypes[i] == "CrossAttnDownBlock2D"
                ? new CrossAttnDownBlock2D(inputChannels, outputChannels, config.LayersPerBlock[i], resnet, Transformer(i), !isFinal, config.DownsamplePadding, attentionBackend)
                : new DownBlock2D(inputChannels, outputChannels, config.LayersPerBlock[i], resnet, !isFinal, config.DownsamplePadding));
        }

        if (config.MidBlockType is not null)
        {
            mid_block = new UNetMidBlock2DCrossAttn(channels[^1], resnet, Transformer(channels.Count - 1), config.MidBlockScaleFactor, attentionBackend);
        }

        // The decoder mirrors the encoder: per-block lists are read in reverse (diffusers' reversed_* lists).
        up_blocks = new ModuleList<nn.Module>();
        int last = channels.Count - 1;
        outputChannels = channels[last];
        for (int i = 0; i < channels.Count; i++)
        {
            int mirrored = last - i;
            int prevOutputChannels = outputChannels;
            outputChannels = channels[mirrored];
            int inputChannels = channels[Math.Max(mirrored - 1, 0)];
            bool isFinal = i == last;
            int layers = config.LayersPerBlock[mirrored] + 1;
            up_blocks.Add(config.UpBlockTypes[i] == "CrossAttnUpBlock2D"
                ? new CrossAttnUpBlock2D(inputChannels, outputChannels, prevOutputChannels, layers, resnet, Transformer(mirrored), !isFinal, attentionBackend)
                : new UpBlock2D(inputChannels, outputChannels, prevOutputChannels, layers, resnet, !isFinal));
        }

        conv_norm_out = ChannelGroups.Create(groups, channels[0], config.NormEps, "conv_norm_out");
        conv_out = nn.Conv2d(channels[0], config.OutChannels, config.ConvOutKernel, stride: 1, padding: (config.ConvOutKernel - 1) / 2);
        RegisterComponents();
        AttentionLayerNames.Assign(this);
    }

    /// <summary>The architecture.</summary>
    public UNet2DConditionConfig Config { get; }

    /// <summary>How many times the encoder halves the resolution (stages with a downsampler).</summary>
    public int Downsamplings => Config.BlockOutChannels.Count - 1;

    /// <inheritdoc cref="Forward"/>
    public override Tensor forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates) => Forward(sample, timestep, encoderHiddenStates, null);

    /// <summary>
    /// Predicts for latents <paramref name="sample"/> [b, c, h, w] at <paramref name="timestep"/> (a scalar or [b], the
    /// discrete training timestep, possibly fractional), attending to the text tokens
    /// <paramref name="encoderHiddenStates"/> [b, m, cross_attention_dim], with optional class labels [b] int64.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes do not fit the config, or labels are missing/unexpected.</exception>
    public Tensor Forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates, Tensor? classLabels)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(timestep);
        ArgumentNullException.ThrowIfNull(encoderHiddenStates);
        CheckInputs(sample, encoderHiddenStates);
        using var scope = NewDisposeScope();
        if (Config.CenterInputSample)
        {
            sample = 2 * sample - 1.0;
        }

        long batch = sample.shape[0];
        var timesteps = (timestep.dim() == 0 ? timestep.unsqueeze(0) : timestep).to(sample.device).expand(batch);
        var emb = time_embedding.forward(time_proj.forward(timesteps).to(sample.dtype));
        if (class_embedding is not null)
        {
            if (classLabels is null)
            {
                throw new ArgumentException("This UNet2DConditionModel has a class embedding (num_class_embeds is set): class labels are required.", nameof(classLabels));
            }

            emb = emb + class_embedding.forward(classLabels.to(ScalarType.Int64).to(sample.device)).to(emb.dtype);
        }

        var context = encoderHiddenStates.to(sample.dtype);

        // diffusers passes explicit upsample sizes when h or w is not a multiple of the total downsampling factor.
        long factor = 1L << Downsamplings;
        bool forwardUpsampleSize = sample.shape[2] % factor != 0 || sample.shape[3] % factor != 0;

        var h = conv_in.forward(sample);
        var skips = new List<Tensor> { h };
        foreach (var block in down_blocks)
        {
            h = block switch
            {
                CrossAttnDownBlock2D cross => cross.Forward(h, emb, context, skips),
                UNetDownBlock plain => plain.Forward(h, emb, skips),
                _ => throw new InvalidOperationException($"Unexpected down block {block.GetType().Name}."),
            };
        }

        if (mid_block is not null)
        {
            h = mid_block.Forward(h, emb, context);
        }

        for (int i = 0; i < up_blocks.Count; i++)
        {
            var block = up_blocks[i];
            int used = block switch
            {
                CrossAttnUpBlock2D cross => cross.SkipCount,
                UNetUpBlock plain => plain.SkipCount,
                _ => throw new InvalidOperationException($"Unexpected up block {block.GetType().Name}."),
            };
            bool isFinal = i == up_blocks.Count - 1;
            long[]? upsampleSize = !isFinal && forwardUpsampleSize ? skips[^(used + 1)].shape[2..] : null;
            h = block switch
            {
                CrossAttnUpBlock2D cross => cross.Forward(h, skips, emb, context, upsampleSize),
                UpBlock2D plain => plain.Forward(h, skips, emb, upsampleSize),
                _ => throw new InvalidOperationException($"Unexpected up block {block.GetType().Name}."),
            };
        }

        h = conv_out.forward(nn.functional.silu(conv_norm_out.forward(h)));
        return h.MoveToOuterDisposeScope();
    }

    private void CheckInputs(Tensor sample, Tensor encoderHiddenStates)
    {
        if (sample.dim() != 4 || sample.shape[1] != Config.InChannels)
        {
            throw new ArgumentException(
                $"UNet2DConditionModel: sample must be [batch, {Config.InChannels}, height, width], got [{string.Join(", ", sample.shape)}].", nameof(sample));
        }

        long crossDim = Config.CrossAttentionDim[0];
        if (encoderHiddenStates.dim() != 3 || encoderHiddenStates.shape[2] != crossDim || encoderHiddenStates.shape[0] != sample.shape[0])
        {
            throw new ArgumentException(
                $"UNet2DConditionModel: encoder hidden states must be [{sample.shape[0]}, tokens, {crossDim}] (batch of the sample, cross_attention_dim), " +
                $"got [{string.Join(", ", encoderHiddenStates.shape)}]. Check that the text encoder belongs to this UNet.", nameof(encoderHiddenStates));
        }
    }
}
