using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The decoder of the KL autoencoder (Rombach et al. 2022, §3.1): conv_in from the latent channels, a mid block with
/// self-attention, <see cref="UpDecoderBlock2D"/> stages mirroring the encoder, GroupNorm, SiLU, conv_out to image
/// channels. diffusers' <c>Decoder</c> with group norms.
/// </summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly UNetMidBlock2D mid_block;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Creates the decoder for <paramref name="config"/>.</summary>
    public VaeDecoder(AutoencoderKLConfig config, IAttentionBackend? attentionBackend)
        : base(nameof(VaeDecoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        var channels = config.BlockOutChannels;
        var resnet = new ResnetSettings(0, config.NormNumGroups, 1e-6, 0.0, ResnetTimeConditioning.Default);
        conv_in = nn.Conv2d(config.LatentChannels, channels[^1], 3, stride: 1, padding: 1);
        mid_block = new UNetMidBlock2D(channels[^1], resnet, channels[^1], config.NormNumGroups, config.MidBlockAddAttention, 1.0, attentionBackend);
        up_blocks = new ModuleList<UpDecoderBlock2D>();
        int outputChannels = channels[^1];
        for (int i = 0; i < channels.Count; i++)
        {
            int prevOutputChannels = outputChannels;
            outputChannels = channels[channels.Count - 1 - i];
            up_blocks.Add(new UpDecoderBlock2D(prevOutputChannels, outputChannels, config.LayersPerBlock + 1, resnet, addUpsample: i < channels.Count - 1));
        }

        conv_norm_out = ChannelGroups.Create(config.NormNumGroups, channels[0], 1e-6, "conv_norm_out");
        conv_out = nn.Conv2d(channels[0], config.OutChannels, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    /// <summary>Latents [b, latent channels, h, w] (after post_quant_conv) to images [b, c, h·f, w·f].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(input);
        h = mid_block.forward(h, null!);
        foreach (var block in up_blocks)
        {
            h = block.forward(h);
        }

        h = conv_out.forward(nn.functional.silu(conv_norm_out.forward(h)));
        return h.MoveToOuterDisposeScope();
    }
}
