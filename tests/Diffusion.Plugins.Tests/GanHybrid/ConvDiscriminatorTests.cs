using Diffusion.Plugins.GanHybrid;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

public sealed class ConvDiscriminatorTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(4, true)]
    [InlineData(3, true)] // a group that does not divide the batch of 4 shrinks to 2: items 0 and 2 share one
    public void With_a_minibatch_std_group_an_items_logit_depends_on_the_rest_of_its_group(int group, bool dependent)
    {
        using var discriminator = new ConvDiscriminator(channels: 2, width: 4, embeddingDim: 8, numClasses: 0, minibatchStdGroup: group);
        using var seeded = new torch.Generator(5);
        SeededInitialisation.Apply(discriminator, seeded);
        var previous = randn([4, 2, 7, 7], generator: seeded);
        var current = randn([4, 2, 7, 7], generator: seeded);
        var time = tensor(new[] { 1f, 1f, 2f, 2f });

        using var noGrad = no_grad();
        var logits = discriminator.Forward(previous, current, time, null);
        var changed = previous.clone();
        changed[2] = randn([2, 7, 7], generator: seeded);
        var again = discriminator.Forward(changed, current, time, null);

        logits.shape.Should().Equal(4);
        bool itemZeroMoved = !logits[0].allclose(again[0], 0, 0);
        itemZeroMoved.Should().Be(dependent, "item 2 shares item 0's group only with minibatch std on");
    }

    [Fact]
    public void Without_the_group_the_network_and_its_parameters_are_the_earlier_ones()
    {
        using var plain = new ConvDiscriminator(2, 4, 8, 10);
        using var withStd = new ConvDiscriminator(2, 4, 8, 10, minibatchStdGroup: 4);
        plain.named_parameters().Select(p => p.name).Should().NotContain("final_conv.weight", "checkpoints without the channel keep their keys");
        withStd.named_parameters().Select(p => p.name).Should().Contain("final_conv.weight");
    }
}
