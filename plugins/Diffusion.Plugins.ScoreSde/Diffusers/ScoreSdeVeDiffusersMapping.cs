using System.Globalization;
using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// diffusers' <c>ScoreSdeVeScheduler</c> as <c>scheduler.ve</c> + <c>sampler.pc</c> (reverse-diffusion predictor, Langevin
/// corrector). diffusers' loop (ScoreSdeVePipeline): times linspace(1, sampling_eps, N); the model sees σ(t_i) =
/// σ_min (σ_max/σ_min)^{t_i}; correct_steps × <c>step_correct</c> then <c>step_pred</c> on N geometric levels
/// exp(linspace(ln σ_min, ln σ_max, N)) indexed by ⌊t (N−1)⌋, one generator shared in that order; the result is the last
/// <c>prev_sample_mean</c>. All of this is what <see cref="PredictorCorrectorSampler"/> does on <see cref="VeSdeScheduler"/>.
/// Give the denoiser <see cref="TimeInput.Sigma"/> and <see cref="PredictionType.Score"/> as diffusers' NCSN++ UNets are.
/// </summary>
public sealed class ScoreSdeVeDiffusersMapping : IDiffusersSchedulerMapping
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "_class_name", "_diffusers_version", "tensor_format" };

    /// <inheritdoc />
    public IReadOnlyCollection<string> ClassNames { get; } = ["ScoreSdeVeScheduler"];

    /// <inheritdoc />
    public DiffusersSchedulerPair Map(string className, JsonObject config, JsonObject? stepKwargs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!ClassNames.Contains(className))
        {
            throw new NotSupportedException($"ScoreSdeVeDiffusersMapping maps ScoreSdeVeScheduler only, not '{className}'.");
        }

        // diffusers' defaults (ScoreSdeVeScheduler.__init__).
        int trainTimesteps = 2000;
        double snr = 0.15, sigmaMin = 0.01, sigmaMax = 1348.0, samplingEps = 1e-5;
        int correctSteps = 1;
        foreach (var (name, value) in config)
        {
            if (Ignored.Contains(name))
            {
                continue;
            }

            switch (name)
            {
                case "num_train_timesteps": trainTimesteps = Int(name, value); break;
                case "snr": snr = Number(name, value); break;
                case "sigma_min": sigmaMin = Number(name, value); break;
                case "sigma_max": sigmaMax = Number(name, value); break;
                case "sampling_eps": samplingEps = Number(name, value); break;
                case "correct_steps": correctSteps = Int(name, value); break;
                default:
                    throw new NotSupportedException($"ScoreSdeVeScheduler config field '{name}' is not supported by scheduler.ve + sampler.pc; remove it or map it by hand.");
            }
        }

        if (stepKwargs is { Count: > 0 })
        {
            var unknown = stepKwargs.Select(p => p.Key).Where(k => k != "generator").ToList();
            if (unknown.Count > 0)
            {
                throw new NotSupportedException($"ScoreSdeVeScheduler step argument(s) {string.Join(", ", unknown)} are not supported (step_pred/step_correct take only a generator).");
            }
        }

        var scheduler = new JsonObject
        {
            ["sigma_min"] = sigmaMin,
            ["sigma_max"] = sigmaMax,
            ["epsilon"] = samplingEps,
            ["train_timesteps"] = trainTimesteps,
        };
        var sampler = new JsonObject
        {
            ["predictor"] = "reverse_diffusion",
            ["corrector"] = "langevin",
            ["snr"] = snr,
            ["correct_steps"] = correctSteps,
            ["denoise"] = true,
        };
        return new DiffusersSchedulerPair(new NodeSpec("scheduler.ve", scheduler), new NodeSpec("sampler.pc", sampler));
    }

    private static double Number(string name, JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<double>(out var d) ? d
        : throw new NotSupportedException($"ScoreSdeVeScheduler config field '{name}' must be a number, got {value?.ToJsonString() ?? "null"}.");

    private static int Int(string name, JsonNode? value)
    {
        double d = Number(name, value);
        return d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue
            ? (int)d
            : throw new NotSupportedException($"ScoreSdeVeScheduler config field '{name}' must be an integer, got {d.ToString(CultureInfo.InvariantCulture)}.");
    }
}
