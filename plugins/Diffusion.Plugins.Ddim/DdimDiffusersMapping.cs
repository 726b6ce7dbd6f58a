using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Ddim;

/// <summary>diffusers' <c>DDIMScheduler</c> (with step kwargs eta, use_clipped_model_output) as <c>scheduler.discrete</c> + <c>sampler.ddim</c>.</summary>
public sealed class DdimDiffusersMapping : IDiffusersSchedulerMapping
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> ClassNames { get; } = ["DDIMScheduler"];

    /// <inheritdoc />
    public DiffusersSchedulerPair Map(string className, JsonObject config, JsonObject? stepKwargs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!ClassNames.Contains(className))
        {
            throw new NotSupportedException($"{nameof(DdimDiffusersMapping)} maps DDIMScheduler, not {className}.");
        }

        var reader = new DiffusersConfig(className, config, stepKwargs);
        var schedule = reader.ScheduleParams(spacing: "leading");
        schedule["set_alpha_to_one"] = reader.Get("set_alpha_to_one", true);
        var sampler = new JsonObject
        {
            ["eta"] = reader.StepArg("eta", 0.0),
            ["use_clipped_model_output"] = reader.StepArg("use_clipped_model_output", false),
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["clip_sample"] = reader.Get("clip_sample", true),
            ["clip_sample_range"] = reader.Get("clip_sample_range", 1.0),
            ["thresholding"] = reader.Get("thresholding", false),
            ["dynamic_thresholding_ratio"] = reader.Get("dynamic_thresholding_ratio", 0.995),
            ["sample_max_value"] = reader.Get("sample_max_value", 1.0),
            ["previous_timestep"] = "stride",
        };
        reader.EnsureAllRead();
        return new DiffusersSchedulerPair(new NodeSpec("scheduler.discrete", schedule), new NodeSpec("sampler.ddim", sampler));
    }
}
