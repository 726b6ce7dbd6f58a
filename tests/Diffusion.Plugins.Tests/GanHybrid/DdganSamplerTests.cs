using Diffusion.Contracts;
using Diffusion.Plugins.GanHybrid;
using Diffusion.Plugins.Tests.Toy2d;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

public sealed class DdganSamplerTests
{
    private static readonly DdganGeneratorOptions Tiny = new() { SampleShape = [2], Hidden = 16, Layers = 1, LatentDim = 4, EmbeddingDim = 8, Seed = 3 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void It_calls_the_generator_exactly_T_times_and_ends_with_its_last_estimate_at_step_zero(int steps)
    {
        var chain = new DdganScheduler(new DdganSchedulerOptions { Steps = steps });
        var counting = new CountingDenoiser(DdganGenerator.Create(Tiny, CPU));
        var estimates = new List<Tensor>();

        var result = Sample(counting, chain, seed: 5, onStep: s => estimates.Add(s.Denoised!.clone().DetachFromDisposeScope()));

        counting.Calls.Should().Be(steps);
        counting.Times.Should().Equal(Enumerable.Range(0, steps).Reverse().Select(t => (double)t));
        result.FunctionEvaluations.Should().Be(steps);
        result.Samples.Exactly(estimates[^1]).Should().BeTrue("q(x_{-1} | x_0, x̂_0) at t = 0 is x̂_0 without noise");
    }

    [Fact]
    public void The_generators_latent_follows_the_run_seed()
    {
        var chain = new DdganScheduler(new DdganSchedulerOptions { Steps = 2 });
        var generator = DdganGenerator.Create(Tiny, CPU);

        var first = Sample(generator, chain, seed: 9).Samples;
        var again = Sample(generator, chain, seed: 9).Samples;
        var other = Sample(generator, chain, seed: 10).Samples;

        first.Exactly(again).Should().BeTrue();
        first.Exactly(other).Should().BeFalse();
        generator.Info.UsesGenerator.Should().BeTrue();
        generator.Info.Prediction.Should().Be(PredictionType.Sample);
    }

    [Fact]
    public void A_schedule_that_skips_levels_is_refused_with_advice()
    {
        var chain = new DdganScheduler(new DdganSchedulerOptions { Steps = 4 });
        var skipping = new InferenceSchedule { Timesteps = [3.0, 1.0], Sigmas = [1, 0.5, 0] };
        using var random = new Generator(1, CPU);
        var request = new SamplingRequest
        {
            Denoiser = DdganGenerator.Create(Tiny, CPU),
            Scheduler = chain,
            Schedule = skipping,
            Shape = [3, 2],
            Generator = random,
        };

        var act = () => new DdganSampler(new DdganSamplerOptions()).Sample(request);

        act.Should().Throw<NotSupportedException>().WithMessage("*adjacent integer timesteps*from 3 to 1*scheduler.ddgan*");
    }

    [Fact]
    public void A_sliced_chain_continues_where_the_first_part_stopped()
    {
        var chain = new DdganScheduler(new DdganSchedulerOptions { Steps = 4 });
        var generator = DdganGenerator.Create(Tiny, CPU);
        var (head, tail) = chain.CreateInferenceSchedule(4).SplitAt(2);
        using var random = new Generator(4, CPU);
        var sampler = new DdganSampler(new DdganSamplerOptions());

        var middle = sampler.Sample(Request(generator, chain, head, random)).Samples;
        var end = sampler.Sample(Request(generator, chain, tail, random) with { InitialSample = middle }).Samples;

        end.Exactly(Sample(generator, chain, seed: 4).Samples).Should().BeTrue("one generator drives both halves in the same order");
    }

    private static SamplingResult Sample(IDenoiser denoiser, DdganScheduler chain, long seed, Action<SamplerStep>? onStep = null)
    {
        using var random = new Generator((ulong)seed, CPU);
        return new DdganSampler(new DdganSamplerOptions()).Sample(Request(denoiser, chain, chain.CreateInferenceSchedule(chain.TrainTimesteps), random) with { OnStep = onStep });
    }

    private static SamplingRequest Request(IDenoiser denoiser, DdganScheduler chain, InferenceSchedule schedule, torch.Generator random) => new()
    {
        Denoiser = denoiser,
        Scheduler = chain,
        Schedule = schedule,
        Shape = [6, 2],
        Generator = random,
    };

    private sealed class CountingDenoiser(IDenoiser inner) : IDenoiser
    {
        public int Calls { get; private set; }

        public List<double> Times { get; } = [];

        public DenoiserInfo Info => inner.Info;

        public Tensor Forward(Tensor sample, Tensor time, Contracts.Conditioning? conditioning = null, torch.Generator? generator = null)
        {
            Calls++;
            Times.Add(time[0].item<float>());
            return inner.Forward(sample, time, conditioning, generator);
        }
    }
}
