using Diffusion.Contracts;
using Diffusion.Plugins.Ddim;
using Diffusion.Plugins.Samplers;
using Diffusion.Plugins.Schedules;
using Diffusion.Plugins.Tests.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Sampling;

/// <summary>
/// The schedule is data: a run over the first half of a schedule followed by a run over the second half, started from the
/// first half's output, takes exactly the steps of the whole run. For deterministic samplers without history the results
/// are bit-identical.
/// </summary>
public sealed class SplitScheduleTests
{
    // Stable Diffusion's schedule (scaled_linear, leading spacing, steps_offset 1): DDIM's stride T // N matters here.
    private static readonly DiscreteScheduler StableDiffusion = new(new DiscreteSchedulerOptions
    {
        BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012, StepsOffset = 1, SetAlphaToOne = false,
    });

    public static TheoryData<string, int> Splits() => new()
    {
        { "ddim", 25 }, { "ddim", 1 }, { "ddim", 49 }, { "euler", 20 }, { "heun", 10 }, { "euler_karras", 17 },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Two_halves_in_sequence_equal_the_whole_run(string samplerName, int at)
    {
        var (sampler, scheduler) = Create(samplerName);
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, TimeInput.Timestep, (x, t) => x * (t / (t + 1)));
        var whole = scheduler.CreateInferenceSchedule(50);
        var (first, second) = whole.SplitAt(at);

        using var start = randn([2, 3], float32, generator: new Generator(11)) * (samplerName == "ddim" ? 1.0 : whole.Sigmas.Max());
        using var wholeRun = sampler.Sample(Request(denoiser, scheduler, whole, start)).Samples;
        using var firstRun = sampler.Sample(Request(denoiser, scheduler, first, start)).Samples;
        using var secondRun = sampler.Sample(Request(denoiser, scheduler, second, firstRun)).Samples;

        wholeRun.eq(secondRun).all().item<bool>().Should().BeTrue($"{samplerName} split at {at} must take the whole run's steps bit for bit");
    }

    [Fact]
    public void Ddim_stride_comes_from_the_full_schedule_not_the_slice()
    {
        var sampler = new DdimSampler(new DdimSamplerOptions { ClipSample = false });
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, TimeInput.Timestep, (x, t) => x * 0.01);
        var slice = StableDiffusion.CreateInferenceSchedule(50).Slice(10, 12);
        using var start = ones(1, 3);

        sampler.Sample(Request(denoiser, StableDiffusion, slice, start));

        // 50 steps of T = 1000 with leading spacing and offset 1: 981, 961, ...; the slice visits steps 10 and 11.
        denoiser.Times.Should().Equal(781, 761);
        slice.TotalSteps.Should().Be(50);
        slice.StartIndex.Should().Be(10);
        slice.EndTimestep.Should().Be(741);
    }

    [Fact]
    public void Slices_keep_the_level_after_their_last_step()
    {
        var whole = new InferenceSchedule { Timesteps = [30, 20, 10], Sigmas = [3, 2, 1, 0] };

        var middle = whole.Slice(1, 2);
        middle.Timesteps.Should().Equal(20);
        middle.Sigmas.Should().Equal(2, 1);
        middle.EndsAtFullEnd.Should().BeFalse();
        whole.Slice(1).Sigmas.Should().Equal(2, 1, 0);
        whole.Slice(1).EndsAtFullEnd.Should().BeTrue();
        whole.Slice(1).Slice(1).StartIndex.Should().Be(2);
    }

    [Theory]
    [InlineData(1.0, 50, 0)]
    [InlineData(0.5, 25, 25)]
    [InlineData(0.75, 37, 13)]
    [InlineData(0.019, 0, 0)]
    public void Strength_keeps_the_last_steps_as_diffusers_img2img(double strength, int kept, int start)
    {
        var whole = StableDiffusion.CreateInferenceSchedule(50);
        if (kept == 0)
        {
            var act = () => whole.FromStrength(strength);
            act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*leaves no step*");
            return;
        }

        var sliced = whole.FromStrength(strength);
        sliced.Count.Should().Be(kept);
        sliced.StartIndex.Should().Be(start);
        sliced.Timesteps[0].Should().Be(whole.Timesteps[start]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-1)]
    public void Bad_splits_and_slices_say_what_is_allowed(int at)
    {
        var whole = new InferenceSchedule { Timesteps = [30, 20, 10] };
        var split = () => whole.SplitAt(at);
        split.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1..2*");
        var slice = () => whole.Slice(at, at);
        slice.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0 <= start < end <= 3*");
    }

    private static (ISampler Sampler, IScheduler Scheduler) Create(string name) => name switch
    {
        "ddim" => (new DdimSampler(new DdimSamplerOptions { ClipSample = false }), StableDiffusion),
        "euler" => (new EulerSampler(new EulerSamplerOptions()), StableDiffusion),
        "heun" => (new HeunSampler(new HeunSamplerOptions()), StableDiffusion),
        _ => (new EulerSampler(new EulerSamplerOptions()), new DiscreteScheduler(new DiscreteSchedulerOptions { SigmaSchedule = "karras" })),
    };

    private static SamplingRequest Request(IDenoiser denoiser, IScheduler scheduler, InferenceSchedule schedule, Tensor start) => new()
    {
        Denoiser = denoiser,
        Scheduler = scheduler,
        Schedule = schedule,
        Shape = [.. start.shape],
        InitialSample = start,
        Generator = new Generator(1),
    };
}
