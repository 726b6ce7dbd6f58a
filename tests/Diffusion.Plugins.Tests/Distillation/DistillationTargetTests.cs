using Diffusion.Contracts;
using Diffusion.Plugins.Ddim;
using Diffusion.Plugins.Distillation;
using Diffusion.Plugins.Schedules;
using Diffusion.Plugins.Tests.Samplers;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Distillation;

public sealed class DistillationTargetTests
{
    private static readonly DiscreteScheduler Trailing = new(new DiscreteSchedulerOptions { TimestepSpacing = "trailing" });

    // An ε-model with a known formula, so two DDIM steps can be written out by hand.
    private static readonly FunctionDenoiser Teacher = new(PredictionType.Epsilon, TimeInput.Timestep, (x, t) => (0.3 * x) + (t / 2000.0));

    [Fact]
    public void The_teachers_sampler_on_a_slice_is_two_ddim_steps_and_one_student_step_to_the_target_lands_on_them()
    {
        var teacherSchedule = Trailing.CreateInferenceSchedule(8);
        var studentSchedule = Trailing.CreateInferenceSchedule(4);
        var zt = tensor(new float[] { 0.4f, -1.2f, 2.0f }).reshape(1, 3);
        const int studentStep = 1;
        using var random = new Generator(0, CPU);

        // Two DDIM steps t → t' → t'' written out (Song et al. 2021, Eq. 12, η = 0), in float64.
        double t = teacherSchedule.Timesteps[2 * studentStep], tMid = teacherSchedule.Timesteps[(2 * studentStep) + 1], tEnd = studentSchedule.Timesteps[studentStep + 1];
        var z = zt.to(float64);
        foreach (var (from, to) in new[] { (t, tMid), (tMid, tEnd) })
        {
            double a = Trailing.AlphasCumprod[(int)from], aNext = Trailing.AlphasCumprod[(int)to];
            var eps = (0.3 * z) + (from / 2000.0);
            var x0 = (z - (Math.Sqrt(1 - a) * eps)) / Math.Sqrt(a);
            z = (Math.Sqrt(aNext) * x0) + (Math.Sqrt(1 - aNext) * eps);
        }

        var bySampler = new DdimSampler(new DdimSamplerOptions { ClipSample = false, PreviousTimestep = DdimPreviousTimestep.Next }).Sample(new SamplingRequest
        {
            Denoiser = Teacher,
            Scheduler = Trailing,
            Schedule = teacherSchedule.Slice(2 * studentStep, (2 * studentStep) + 2),
            Shape = [1, 3],
            InitialSample = zt,
            Generator = random,
        }).Samples;
        bySampler.to(float64).allclose(z, rtol: 1e-5, atol: 1e-6).Should().BeTrue("the sliced schedule ends at t'' (its EndTimestep)");

        double aT = Trailing.AlphasCumprod[(int)t], aEnd = Trailing.AlphasCumprod[(int)tEnd];
        var target = DistillationTarget.Compute(zt.to(float64), z, tensor(new[] { Math.Sqrt(aT) }), tensor(new[] { Math.Sqrt(1 - aT) }), tensor(new[] { Math.Sqrt(aEnd) }), tensor(new[] { Math.Sqrt(1 - aEnd) }));
        var oneStep = DistillationTarget.DdimStep(zt.to(float64), target, Math.Sqrt(aT), Math.Sqrt(1 - aT), Math.Sqrt(aEnd), Math.Sqrt(1 - aEnd));
        oneStep.allclose(z, rtol: 1e-9, atol: 1e-12).Should().BeTrue("one student DDIM step with x̂ = x̃ reproduces the two teacher steps (Salimans & Ho 2022, Algorithm 2)");
    }

    [Fact]
    public void At_the_end_of_the_chain_the_target_is_the_teachers_end_point()
    {
        var zt = tensor(new double[] { 0.5, -0.25 }).reshape(1, 2);
        var zEnd = tensor(new double[] { 0.1, 0.2 }).reshape(1, 2);

        var target = DistillationTarget.Compute(zt, zEnd, tensor(new[] { 0.6 }), tensor(new[] { 0.8 }), tensor(new[] { 1.0 }), tensor(new[] { 0.0 }));

        target.allclose(zEnd).Should().BeTrue("σ_{t''} = 0 leaves x̃ = z_{t''}/α_{t''}");
    }
}
