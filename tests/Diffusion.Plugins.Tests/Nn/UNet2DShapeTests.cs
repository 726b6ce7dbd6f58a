using Diffusion.Nn;
using FluentAssertions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

public sealed class UNet2DShapeTests
{
    [Fact]
    public void A_class_conditional_28px_unet_keeps_the_sample_shape_and_uses_the_labels()
    {
        var config = new UNet2DConfig
        {
            SampleSize = 28, InChannels = 1, OutChannels = 1, BlockOutChannels = [8, 16, 16], LayersPerBlock = 1,
            DownBlockTypes = ["DownBlock2D", "DownBlock2D", "AttnDownBlock2D"], UpBlockTypes = ["AttnUpBlock2D", "UpBlock2D", "UpBlock2D"],
            AttentionHeadDim = 8, NormNumGroups = 4, NumClassEmbeds = 11, ResnetTimeScaleShift = "scale_shift",
        };
        using var model = new UNet2DModel(config);
        model.eval();
        using var _ = no_grad();
        var x = randn(2, 1, 28, 28);

        var a = model.forward(x, tensor(new long[] { 10, 500 }), tensor(new long[] { 3, 3 }));
        var b = model.forward(x, tensor(new long[] { 10, 500 }), tensor(new long[] { 3, 10 }));

        a.shape.Should().Equal(2, 1, 28, 28);
        (a[0] - b[0]).abs().max().item<float>().Should().Be(0f);
        (a[1] - b[1]).abs().max().item<float>().Should().BeGreaterThan(0f);
        model.state_dict().Keys.Should().Contain("class_embedding.weight").And.Contain("mid_block.attentions.0.to_out.0.weight");
    }

    [Fact]
    public void Labels_are_required_by_a_class_conditional_model()
    {
        using var model = new UNet2DModel(new UNet2DConfig
        {
            InChannels = 1, OutChannels = 1, BlockOutChannels = [8], LayersPerBlock = 1, DownBlockTypes = ["DownBlock2D"],
            UpBlockTypes = ["UpBlock2D"], NormNumGroups = 4, NumClassEmbeds = 3,
        });

        var act = () => model.forward(zeros(1, 1, 8, 8), tensor(1L), null);

        act.Should().Throw<ArgumentException>().WithMessage("*class labels are required*");
    }
}
