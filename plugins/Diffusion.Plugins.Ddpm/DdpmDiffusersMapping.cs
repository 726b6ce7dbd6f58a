using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Ddpm;

/// <summary>diffusers' <c>DDPMScheduler</c> as <c>scheduler.discrete</c> + <c>sampler.ddpm</c>.</summary>
public sealed class DdpmDiffusersMapping : IDiffusersSchedulerMapping
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> ClassNames { get; } = ["DDPMScheduler"];

    /// <inheritdoc />
    public DiffusersSchedulerPair Map(string className, JsonObject config, JsonObject? stepKwargs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!ClassNames.Contains(className))
        {
            throw new NotSupportedException($"{nameof(DdpmDiffusersMapping)} maps DDPMScheduler, not {className}.");
        }

        var reader = new DiffusersConfig(className, config, stepKwargs);
        var schedule = reader.ScheduleParams(spacing: "leading", betaSchedules: ["linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid", "laplace"]);
        var varianceType = reader.Get("variance_type", "fixed_small");
        if (varianceType == "fixed_large_log")
        {
            // DDPMScheduler.step takes the square root of _get_variance, which for fixed_large_log is log β_t < 0: NaN.
            throw reader.Unsupported("variance_type", varianceType,
                "diffusers' DDPMScheduler.step turns it into sqrt(log β_t), which is NaN; use fixed_large (σ_t² = β_t) instead");
        }

        if (varianceType is "learned" or "learned_range")
        {
            throw reader.Unsupported("variance_type", varianceType,
                "learned variances need a model that outputs 2× channels; use fixed_small, fixed_small_log or fixed_large");
        }

        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["variance_type"] = reader.Choice("variance_type", "fixed_small", "fixed_small", "fixed_small_log", "fixed_large"),
            ["clip_sample"] = reader.Get("clip_sample", true),
            ["clip_sample_range"] = reader.Get("clip_sample_range", 1.0),
            ["thresholding"] = reader.Get("thresholding", false),
            ["dynamic_thresholding_ratio"] = reader.Get("dynamic_thresholding_ratio", 0.995),
            ["sample_max_value"] = reader.Get("sample_max_value", 1.0),
        };
        reader.EnsureAllRead();
        return new DiffusersSchedulerPair(new NodeSpec("scheduler.discrete", schedule), new NodeSpec("sampler.ddpm", sampler));
    }
}
