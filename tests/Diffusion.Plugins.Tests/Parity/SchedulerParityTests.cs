using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Parity;

/// <summary>
/// Runs every reference case in fixtures/schedulers through the mapping its diffusers class has among all plugins and
/// compares what the model saw and every step's sample with what diffusers produced. A new case file is checked without
/// a code change; a class with no mapping, or a config field a mapping does not reproduce, fails with its name.
/// </summary>
public sealed class SchedulerParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in SchedulerParityCase.Names())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_matches_diffusers(string name)
    {
        var testCase = SchedulerParityCase.Load(name);
        var catalog = PluginCatalog.Instance;
        var mapping = catalog.Mappings.FirstOrDefault(m => m.ClassNames.Contains(testCase.SchedulerClass));
        mapping.Should().NotBeNull($"no mapping for {testCase.SchedulerClass} is registered by any plugin (case {name})");
        var pair = mapping!.Map(testCase.SchedulerClass, testCase.Config, testCase.StepKwargs);
        var scheduler = catalog.Instantiate<IScheduler>(pair.Scheduler, "scheduler");
        var sampler = catalog.Instantiate<ISampler>(pair.Sampler, "sampler");

        var reference = SafeTensors.Load(testCase.TensorsPath);
        try
        {
            Compare(testCase, scheduler, sampler, reference);
        }
        finally
        {
            foreach (var tensor in reference.Values)
            {
                tensor.Dispose();
            }
        }

    }

    [Fact]
    public void Every_case_in_the_folder_is_a_row()
    {
        var files = Directory.GetFiles(SchedulerParityCase.Folder, "*.json").Length;
        output.WriteLine($"{files} scheduler cases in {SchedulerParityCase.Folder}");
        files.Should().BeGreaterThan(0, "the parity harness must check at least one case");
        Cases().Count.Should().Be(files, "every *.json case must be a row of the theory");
    }

    private void Compare(SchedulerParityCase testCase, IScheduler scheduler, ISampler sampler, IReadOnlyDictionary<string, Tensor> reference)
    {
        var denoiser = new StandInDenoiser(testCase.Model, testCase.Shape[1..]);
        var samples = new List<(double Time, Tensor Sample)>();
        using var initial = reference.TryGetValue("x_init", out var xInit)
            ? xInit.clone()
            : randn(testCase.Shape, float32, generator: new Generator(testCase.InitSeed)) * testCase.InitNoiseSigma;
        var request = new SamplingRequest
        {
            Denoiser = denoiser,
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(testCase.Steps),
            Shape = testCase.Shape,
            InitialSample = initial,
            Generator = new Generator(testCase.StepSeed),
            OnStep = step => samples.Add((step.Time, step.Sample.detach().to(float32, copy: true).DetachFromDisposeScope())),
        };
        var result = sampler.Sample(request);
        using var final = result.Samples;
        try
        {
            double tolerance = testCase.SchedulerClass is "DDPMScheduler" or "DDIMScheduler" ? 1e-5 : 1e-4;
            var referenceSamples = reference["samples"];
            int entries = (int)referenceSamples.shape[0];
            var worst = new List<string>();

            var timesteps = reference["timesteps"].to(float64).data<double>().ToArray();
            if (denoiser.Calls.Count == timesteps.Length && !reference.ContainsKey("sigmas"))
            {
                var seen = denoiser.Calls.Select(c => c.Time).ToArray();
                seen.Should().BeEquivalentTo(timesteps, o => o.WithStrictOrdering().Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-3)).WhenTypeIs<double>(),
                    "the model must see diffusers' timesteps");
            }

            if (reference.TryGetValue("model_inputs", out var modelInputs) && denoiser.Calls.Count == modelInputs.shape[0])
            {
                for (int i = 0; i < denoiser.Calls.Count; i++)
                {
                    Check($"model input {i}", denoiser.Calls[i].Input, modelInputs[i], tolerance, worst);
                }
            }

            if (samples.Count == entries)
            {
                for (int i = 0; i < entries; i++)
                {
                    Check($"sample {i}", samples[i].Sample, referenceSamples[i], tolerance, worst);
                }
            }
            else
            {
                output.WriteLine($"{samples.Count} reported steps vs {entries} reference entries: comparing the final sample only");
            }

            // Score-SDE fixtures record what diffusers' pipeline returns (the last step's noise-free mean) as
            // final_mean; the last entry of samples still holds that step's noise.
            var finalReference = reference.TryGetValue("final_mean", out var finalMean) ? finalMean : referenceSamples[entries - 1];
            Check("final sample", final, finalReference, tolerance, worst);
            output.WriteLine($"{testCase.Name}: {testCase.SchedulerClass} via {sampler.Info.Name}, {denoiser.Calls.Count} model calls, {samples.Count} steps, tolerance {tolerance:g}");
            foreach (var line in worst.Take(5))
            {
                output.WriteLine(line);
            }

            worst.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).Should().BeEmpty();
        }
        finally
        {
            foreach (var (input, _) in denoiser.Calls)
            {
                input.Dispose();
            }

            foreach (var (_, sample) in samples)
            {
                sample.Dispose();
            }
        }
    }

    /// <summary>Relative error max|a − b| / max|b|.</summary>
    private static void Check(string what, Tensor actual, Tensor expected, double tolerance, List<string> log)
    {
        using var scope = NewDisposeScope();
        var a = actual.to(float64);
        var b = expected.to(float64);
        double scale = Math.Max(b.abs().max().item<double>(), 1e-12);
        double error = (a - b).abs().max().item<double>() / scale;
        var line = $"{(error <= tolerance ? "ok  " : "FAIL")} {what}: relative error {error:e2}";
        if (error > tolerance || what == "final sample")
        {
            log.Add(line);
        }
    }
}
