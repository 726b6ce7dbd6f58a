using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The pre-activation residual block of DDPM's UNet (Ho et al. 2020, appendix B; He et al. 2016):
/// h = conv1(SiLU(norm1(x))) + proj(SiLU(temb)); h = conv2(SiLU(norm2(h))); out = (shortcut(x) + h) / outputScale.
/// Parameter names follow diffusers' <c>ResnetBlock2D</c> (norm1, conv1, time_emb_proj, norm2, conv2, conv_shortcut).
/// </summary>
public sealed class ResnetBlock2D : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear? time_emb_proj;
    private readonly GroupNorm norm2;
    private readonly Dropout dropout;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv_shortcut;
    private readonly ResnetTimeConditioning timeConditioning;
    private readonly double outputScaleFactor;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels; a 1x1 <c>conv_shortcut</c> is added when they differ.</param>
    /// <param name="tembChannels">Width of the time embedding, or null for a block without time input.</param>
    /// <param name="groups">GroupNorm groups.</param>
    /// <param name="eps">GroupNorm epsilon.</param>
    /// <param name="dropoutRate">Dropout before conv2.</param>
    /// <param name="timeConditioning">How temb enters.</param>
    /// <param name="outputScaleFactor">The residual sum is divided by this.</param>
    public ResnetBlock2D(
        int inChannels,
        int outChannels,
        int? tembChannels,
        int groups,
        double eps,
        double dropoutRate = 0.0,
        ResnetTimeConditioning timeConditioning = ResnetTimeConditioning.Default,
        double outputScaleFactor = 1.0)
        : base(nameof(ResnetBlock2D))
    {
        norm1 = ChannelGroups.Create(groups, inChannels, eps, "norm1");
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: 1, padding: 1);
        if (tembChannels is int temb)
        {
            int projected = timeConditioning == ResnetTimeConditioning.ScaleShift ? 2 * outChannels : outChannels;
            time_emb_proj = nn.Linear(temb, projected);
        }

        norm2 = ChannelGroups.Create(groups, outChannels, eps, "norm2");
        dropout = nn.Dropout(dropoutRate);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1);
        if (inChannels != outChannels)
        {
            conv_shortcut = nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: 1);
        }

        this.timeConditioning = timeConditioning;
        this.outputScaleFactor = outputScaleFactor;
        RegisterComponents();
    }

    /// <summary>Applies the block to <paramref name="input"/> [b, c, h, w] with time embedding <paramref name="temb"/> [b, t].</summary>
    public override Tensor forward(Tensor input, Tensor? temb)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(nn.functional.silu(norm1.forward(input)));
        Tensor? timeFeatures = null;
        if (time_emb_proj is not null && temb is not null)
        {
            timeFeatures = time_emb_proj.forward(nn.functional.silu(temb)).unsqueeze(-1).unsqueeze(-1);
        }

        if (timeConditioning == ResnetTimeConditioning.Default)
        {
            if (timeFeatures is not null)
            {
                h = h + timeFeatures;
            }

            h = norm2.forward(h);
        }
        else
        {
            h = norm2.forward(h);
            if (timeFeatures is not null)
            {
                var scaleShift = timeFeatures.chunk(2, 1);
                h = h * (1 + scaleShift[0]) + scaleShift[1];
            }
        }

        h = conv2.forward(dropout.forward(nn.functional.silu(h)));
        var shortcut = conv_shortcut is null ? input : conv_shortcut.forward(input);
        var output = shortcut + h;
        if (outputScaleFactor != 1.0)
        {
            output = output / outputScaleFactor;
        }

        return output.MoveToOuterDisposeScope();
    }
}
