using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// A decoder stage of ResNet layers over [hidden, skip] concatenations and a conv upsampler (diffusers'
/// <c>UpBlock2D</c>: resnets, upsamplers).
/// </summary>
public sealed class UpBlock2D : UNetUpBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Creates the stage.</summary>
    /// <param name="inChannels">Channels of the skip of the stage's last layer (the encoder stage one level up).</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="prevOutputChannels">Channels of the hidden state entering the stage.</param>
    /// <param name="numLayers">ResNet layers (encoder layers + 1).</param>
    /// <param name="resnet">Shared ResNet settings.</param>
    /// <param name="addUpsample">Whether the stage ends with an upsampler.</param>
    public UpBlock2D(int inChannels, int outChannels, int prevOutputChannels, int numLayers, ResnetSettings resnet, bool addUpsample)
        : base(nameof(UpBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(UpBlockChannels.ResnetIn(i, numLayers, inChannels, outChannels, prevOutputChannels), outChannels));
        }

        if (addUpsample)
        {
            upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels, outChannels));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override int SkipCount => resnets.Count;

    /// <inheritdoc />
    public override Tensor Forward(Tensor hidden, IList<Tensor> skips, Tensor temb) => Forward(hidden, skips, temb, null);

    /// <summary>
    /// Runs the stage; the upsampler interpolates to <paramref name="upsampleSize"/> [h, w] when given (as
    /// UNet2DConditionModel does for feature maps whose size is not a multiple of its total downsampling).
    /// </summary>
    public Tensor Forward(Tensor hidden, IList<Tensor> skips, Tensor temb, long[]? upsampleSize)
    {
        foreach (var block in resnets)
        {
            hidden = block.forward(cat([hidden, PopSkip(skips)], 1), temb);
        }

        if (upsamplers is not null)
        {
            foreach (var upsampler in upsamplers)
            {
                hidden = upsampler.Forward(hidden, upsampleSize);
            }
        }

        return hidden;
    }
}
