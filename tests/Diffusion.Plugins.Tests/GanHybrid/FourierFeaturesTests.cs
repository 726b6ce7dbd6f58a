using Diffusion.Plugins.GanHybrid;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

public sealed class FourierFeaturesTests
{
    [Fact]
    public void The_encoding_is_x_then_sine_and_cosine_of_pi_times_powers_of_two_per_octave()
    {
        // NeRF's γ(x) = [x, sin(2⁰πx), cos(2⁰πx), sin(2¹πx), cos(2¹πx)] for each coordinate; values by hand at x = 0.5 and 1.
        var encoded = FourierFeatures.Encode(tensor(new[,] { { 0.5f, 1f } }), 2);

        encoded.shape.Should().Equal(1, FourierFeatures.Width(2, 2));
        FourierFeatures.Width(2, 2).Should().Be(10);
        var values = encoded.data<float>().ToArray();
        float[] expected = [0.5f, 1f, 1f, 0f, 0f, -1f, 0f, 0f, -1f, 1f];
        values.Zip(expected).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-6);
    }

    [Fact]
    public void Zero_octaves_leave_the_coordinates_as_they_are()
    {
        var x = tensor(new[,] { { 0.25f, -3f } });

        FourierFeatures.Encode(x, 0).data<float>().ToArray().Should().Equal(0.25f, -3f);
        FourierFeatures.Width(2, 0).Should().Be(2);
    }
}
