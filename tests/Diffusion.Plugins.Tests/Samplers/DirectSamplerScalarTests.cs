using Diffusion.Contracts;
using Diffusion.Plugins.Ddim;
using Diffusion.Plugins.Samplers;
using Diffusion.Plugins.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Samplers;

/// <summary>
/// TorchSharp frees the native scalar behind <c>0.5 * x</c> only in a finalizer; the sample node used to collect for
/// the samplers, so a program driving <see cref="ISampler.Sample"/> itself accumulated them (issue 9, item 7). The
/// samplers now count their own steps (SamplerTensors.Replace), so collections follow sampler steps without any node.
/// </summary>
public sealed class DirectSamplerScalarTests
{
    private sealed class ShrinkingDenoiser : IDenoiser
    {
        public DenoiserInfo Info { get; } = new() { Prediction = PredictionType.Epsilon, SampleShape = [2] };

        public Tensor Forward(Tensor sample, Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null) => sample * 0.1;
    }

    public static TheoryData<string> Samplers => ["ddim", "euler"];

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Ten_thousand_direct_steps_reclaim_the_finalizer_only_scalars_as_they_go(string name)
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions());
        ISampler sampler = name == "ddim" ? new DdimSampler(new DdimSamplerOptions()) : new EulerSampler(new EulerSamplerOptions());
        int collections = 0, steps = 0;
        int lastCount = GC.CollectionCount(2);
        for (int run = 0; run < 10; run++)
        {
            var request = new SamplingRequest
            {
                Denoiser = new ShrinkingDenoiser(),
                Scheduler = scheduler,
                Schedule = scheduler.CreateInferenceSchedule(1000),
                Shape = [4, 2],
                Generator = new Generator((ulong)run),
                OnStep = _ =>
                {
                    steps++;
                    int count = GC.CollectionCount(2);
                    collections += count > lastCount ? 1 : 0;
                    lastCount = count;
                },
            };
            sampler.Sample(request).Samples.Dispose();
        }

        steps.Should().Be(10_000);
        // Full collections every 32 steps at the latest (other tests in the process may add more, never fewer).
        collections.Should().BeGreaterThanOrEqualTo(10_000 / NativeObjectReclaimerInterval - 1);
    }

    private const int NativeObjectReclaimerInterval = Diffusion.Torch.NativeObjectReclaimer.Interval;
}
