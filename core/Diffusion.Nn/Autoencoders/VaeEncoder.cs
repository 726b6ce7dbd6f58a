using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The encoder of the KL autoencoder (Rombach et al. 2022, §3.1 and appendix G; Esser et al. 2021): conv_in,
/// <see cref="DownEncoderBlock2D"/> stages, a mid block with self-attention, GroupNorm, SiLU, and conv_out to
/// 2 × latent channels (the posterior's mean and log-variance). diffusers' <c>Encoder</c> with <c>double_z=True</c>.
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Creates the encoder for <paramref name="config"/>.</summary>
    public VaeEncoder(AutoencoderKLConfig config, IAttentionBackend? attentionBackend)
        : base(nameof(VaeEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        var channels = config.BlockOutChannels;

        // The autoencoder's blocks use GroupNorm eps 1e-6 and no time embedding.
        var resnet = new ResnetSettings(0, config.NormNumGroups, 1e-6, 0.0, ResnetTimeConditioning.Default);
        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, stride: 1, padding: 1);
        down_blocks = new ModuleList<DownEncoderBlock2D>();
        int outputChannels = channels[0];
        for (int i = 0; i < channels.Count; i++)
        {
            int inputChannels = outputChannels;
            outputChannels = channels[i];
            down_blocks.Add(new DownEncoderBlock2D(inputChannels, outputChannels, config.LayersPerBlock, resnet, addDownsample: i < channels.Count - 1));
        }

        // One attention head as wide as the channels (diffusers passes attention_head_dim = channels).
        mid_block = new UNetMidBlock2D(channels[^1], resnet, channels[^1], config.NormNumGroups, config.MidBlockAddAttention, 1.0, attentionBackend);
        conv_norm_out = ChannelGroups.Create(config.NormNumGroups, channels[^1], 1e-6, "conv_norm_out");
        conv_out = nn.Conv2d(channels[^1], 2 * config.LatentChannels, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    /// <summary>Images [b, c, h, w] to posterior moments [b, 2 × latent channels, h / f, w / f].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(input);
        foreach (var block in down_blocks)
        {
            h = block.forward(h);
        }

        // No time embedding in the autoencoder: the mid block's ResNets have no time projection.
        h = mid_block.forward(h, null!);
        h = conv_out.forward(nn.functional.silu(conv_norm_out.forward(h)));
        return h.MoveToOuterDisposeScope();
    }
}
