using Diffusion.Contracts;
using Diffusion.Plugins.Ddpm;
using Diffusion.Plugins.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Samplers;

public sealed class DdpmLeakTests
{
    private sealed class ShrinkingDenoiser : IDenoiser
    {
        public DenoiserInfo Info { get; } = new() { Prediction = PredictionType.Epsilon, SampleShape = [2] };

        public Tensor Forward(Tensor sample, Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null) => sample * 0.1;
    }

    [Fact]
    public void Live_tensor_count_stays_flat_across_1000_steps()
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions());
        var sampler = new DdpmSampler(new DdpmSamplerOptions());
        var liveAtStep = new List<long>();
        var request = new SamplingRequest
        {
            Denoiser = new ShrinkingDenoiser(),
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(1000),
            Shape = [4, 2],
            Generator = new Generator(0),
            OnStep = step => liveAtStep.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount),
        };
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var result = sampler.Sample(request);
        result.Samples.Dispose();

        liveAtStep.Should().HaveCount(1000);
        // The last step (t = 0) draws no noise, so only the 999 noisy steps hold the same number of step tensors.
        var noisySteps = liveAtStep.Take(999).ToList();
        noisySteps.Max().Should().Be(noisySteps.Min(), "every step must free what it allocated");
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before, "the run must free everything but what it returns");
    }
}
