using Diffusion.Plugins.GanHybrid;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

public sealed class PosteriorSamplingTests
{
    private static readonly DdganScheduler Chain = new(new DdganSchedulerOptions { Steps = 4 });

    [Fact]
    public void The_posterior_coefficients_are_the_gaussian_conditional_of_the_forward_pair()
    {
        var posterior = new PosteriorCoefficients(Chain.AlphasCumprod);
        for (int i = 0; i < 4; i++)
        {
            // Closed form by Gaussian conditioning, derived independently of Ho et al.'s Eq. 7: with
            // x_{i−1} = a x_0 + s ε₁ and x_i = c x_{i−1} + d ε₂, (x_{i−1}, x_i) | x_0 is jointly Gaussian, so
            // E[x_{i−1} | x_i, x_0] = a x_0 + k (x_i − c a x_0) and Var = s² − k c s² with k = c s² / (c² s² + d²).
            double previous = i == 0 ? 1.0 : Chain.AlphasCumprod[i - 1];
            double a = Math.Sqrt(previous), s = Math.Sqrt(1 - previous);
            double c = Math.Sqrt(Chain.AlphasCumprod[i] / previous), d = Math.Sqrt(1 - (Chain.AlphasCumprod[i] / previous));
            double k = c * s * s / ((c * c * s * s) + (d * d));
            double meanX0 = a - (k * c * a), meanXt = k, variance = (s * s) - (k * c * s * s);

            var (x0, xt, std) = posterior.At(i);
            x0.Should().BeApproximately(meanX0, 1e-12);
            xt.Should().BeApproximately(meanXt, 1e-12);
            std.Should().BeApproximately(Math.Sqrt(Math.Max(variance, 0)), 1e-9);
        }

        posterior.At(0).Std.Should().Be(0, "the last step lands on the data without noise");
        posterior.At(0).X0.Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void A_posterior_draw_is_mean_plus_std_times_the_noise_per_item_timestep()
    {
        var posterior = new PosteriorCoefficients(Chain.AlphasCumprod);
        var x0 = tensor(new float[] { 1, -1, 0.5f, 2 }).reshape(4, 1);
        var xt = tensor(new float[] { 0.3f, 0.7f, -1, 0 }).reshape(4, 1);
        var noise = tensor(new float[] { 1, 2, -1, 0.5f }).reshape(4, 1);
        var time = tensor(new long[] { 0, 1, 2, 3 });

        var draw = posterior.Sample(x0, xt, time, noise).data<float>().ToArray();

        for (int i = 0; i < 4; i++)
        {
            var (cx0, cxt, std) = posterior.At(i);
            draw[i].Should().BeApproximately((float)((cx0 * x0[i, 0].item<float>()) + (cxt * xt[i, 0].item<float>()) + (std * noise[i, 0].item<float>())), 1e-6f);
        }
    }

    [Fact]
    public void Pairs_have_the_forward_marginals()
    {
        var posterior = new PosteriorCoefficients(Chain.AlphasCumprod);
        using var generator = new Generator(11, CPU);
        const int n = 200_000;
        var x0 = full([n, 1], 0.8f);
        var time = full([n], 2L, ScalarType.Int64);

        var (previous, current) = posterior.Pair(x0, time, randn([n, 1], generator: generator), randn([n, 1], generator: generator));

        // x_1 ~ N(sqrt(ᾱ_1) 0.8, 1 − ᾱ_1) and x_2 ~ N(sqrt(ᾱ_2) 0.8, 1 − ᾱ_2).
        previous.mean().item<float>().Should().BeApproximately((float)(Math.Sqrt(Chain.AlphasCumprod[1]) * 0.8), 0.01f);
        previous.var().item<float>().Should().BeApproximately((float)(1 - Chain.AlphasCumprod[1]), 0.01f);
        current.mean().item<float>().Should().BeApproximately((float)(Math.Sqrt(Chain.AlphasCumprod[2]) * 0.8), 0.01f);
        current.var().item<float>().Should().BeApproximately((float)(1 - Chain.AlphasCumprod[2]), 0.01f);
    }
}
