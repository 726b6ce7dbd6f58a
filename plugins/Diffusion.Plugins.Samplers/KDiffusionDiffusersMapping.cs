using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Shared;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// diffusers' Euler, Euler ancestral, Heun, LMS, PNDM and DPM-Solver multistep schedulers as <c>scheduler.discrete</c>
/// + one of this plugin's samplers. Each class has its own defaults (e.g. timestep_spacing linspace for the Euler
/// family, leading for PNDM), taken here when a field is absent.
/// </summary>
public sealed class KDiffusionDiffusersMapping : IDiffusersSchedulerMapping
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> ClassNames { get; } =
    [
        "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler", "HeunDiscreteScheduler", "LMSDiscreteScheduler",
        "PNDMScheduler", "DPMSolverMultistepScheduler",
    ];

    /// <inheritdoc />
    public DiffusersSchedulerPair Map(string className, JsonObject config, JsonObject? stepKwargs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var reader = new DiffusersConfig(className, config, stepKwargs);
        var pair = className switch
        {
            "EulerDiscreteScheduler" => Euler(reader),
            "EulerAncestralDiscreteScheduler" => EulerAncestral(reader),
            "HeunDiscreteScheduler" => Heun(reader),
            "LMSDiscreteScheduler" => Lms(reader),
            "PNDMScheduler" => Pndm(reader),
            "DPMSolverMultistepScheduler" => DpmSolverMultistep(reader),
            _ => throw new NotSupportedException($"{nameof(KDiffusionDiffusersMapping)} does not map {className}."),
        };
        reader.EnsureAllRead();
        return pair;
    }

    private static DiffusersSchedulerPair Euler(DiffusersConfig reader)
    {
        var schedule = SigmaSchedule(reader, reader.ScheduleParams(spacing: "linspace"), hasSigmaBounds: true);
        reader.Only("interpolation_type", "linear", "linear");
        reader.Only("timestep_type", "discrete", "discrete");
        schedule["final_sigma"] = reader.Choice("final_sigmas_type", "zero", "zero", "sigma_min");
        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["s_churn"] = reader.StepArg("s_churn", 0.0),
            ["s_tmin"] = reader.StepArg("s_tmin", 0.0),
            ["s_tmax"] = reader.StepArg("s_tmax", double.PositiveInfinity),
            ["s_noise"] = reader.StepArg("s_noise", 1.0),
            ["init_noise_sigma"] = InitNoise(schedule),
        };
        return Pair(schedule, "sampler.euler", sampler);
    }

    private static DiffusersSchedulerPair EulerAncestral(DiffusersConfig reader)
    {
        var schedule = reader.ScheduleParams(spacing: "linspace");
        schedule["integer_timesteps"] = false;
        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction"),
            ["init_noise_sigma"] = InitNoise(schedule),
        };
        return Pair(schedule, "sampler.euler_ancestral", sampler);
    }

    private static DiffusersSchedulerPair Heun(DiffusersConfig reader)
    {
        var schedule = SigmaSchedule(reader, reader.ScheduleParams(0.00085, 0.012, "linspace", hasRescale: false), hasSigmaBounds: false);
        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["clip_sample"] = reader.Get("clip_sample", false),
            ["clip_sample_range"] = reader.Get("clip_sample_range", 1.0),
            ["init_noise_sigma"] = InitNoise(schedule),
        };
        return Pair(schedule, "sampler.heun", sampler);
    }

    private static DiffusersSchedulerPair Lms(DiffusersConfig reader)
    {
        var schedule = SigmaSchedule(reader, reader.ScheduleParams(spacing: "linspace", hasRescale: false), hasSigmaBounds: false);
        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["order"] = reader.StepArg("order", 4),
            ["init_noise_sigma"] = InitNoise(schedule),
        };
        return Pair(schedule, "sampler.lms", sampler);
    }

    private static DiffusersSchedulerPair Pndm(DiffusersConfig reader)
    {
        var schedule = reader.ScheduleParams(spacing: "leading", hasRescale: false);
        schedule["set_alpha_to_one"] = reader.Get("set_alpha_to_one", false);
        if (!reader.Get("skip_prk_steps", false))
        {
            throw reader.Unsupported("skip_prk_steps", false, "only PLMS with skip_prk_steps = true is implemented; set it to true");
        }

        var sampler = new JsonObject { ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction") };
        return Pair(schedule, "sampler.pndm", sampler);
    }

    private static DiffusersSchedulerPair DpmSolverMultistep(DiffusersConfig reader)
    {
        var schedule = reader.ScheduleParams(spacing: "linspace");
        // DPM-Solver places N + 1 points and drops t = 0 for linspace and leading spacing.
        schedule["timestep_spacing"] = (string?)schedule["timestep_spacing"] switch
        {
            "linspace" => "linspace_n_plus_1",
            "leading" => "leading_n_plus_1",
            var other => other,
        };
        bool karras = reader.Get("use_karras_sigmas", false), exponential = reader.Get("use_exponential_sigmas", false);
        if (karras && exponential)
        {
            throw reader.Unsupported("use_exponential_sigmas", true, "only one of use_karras_sigmas and use_exponential_sigmas may be set");
        }

        if (karras || exponential)
        {
            schedule["sigma_schedule"] = karras ? "karras" : "exponential";
            schedule["sigma_range"] = "train";
            schedule["round_sigma_timesteps"] = karras && (string?)schedule["beta_schedule"] != "squaredcos_cap_v2";
        }

        reader.Only("use_beta_sigmas", false, false);
        reader.Only("use_lu_lambdas", false, false);
        reader.Only("use_flow_sigmas", false, false);
        reader.Only("use_dynamic_shifting", false, false);
        reader.Get("flow_shift", 1.0);
        reader.Get("time_shift_type", "exponential");
        reader.Only<string?>("variance_type", null, null);
        reader.Choice("algorithm_type", "dpmsolver++", "dpmsolver++");
        var lambdaMinClipped = reader.Get<double?>("lambda_min_clipped", null);
        if (lambdaMinClipped is { } clip && !double.IsNegativeInfinity(clip))
        {
            throw reader.Unsupported("lambda_min_clipped", clip, "only -inf (no clipping) is supported");
        }

        schedule["final_sigma"] = reader.Choice("final_sigmas_type", "zero", "zero", "sigma_min");
        int order = reader.Get("solver_order", 2);
        if (order is < 1 or > 3)
        {
            throw reader.Unsupported("solver_order", order, "use 1, 2 or 3");
        }

        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["solver_order"] = order,
            ["solver_type"] = reader.Choice("solver_type", "midpoint", "midpoint", "heun"),
            ["lower_order_final"] = reader.Get("lower_order_final", true),
            ["euler_at_final"] = reader.Get("euler_at_final", false),
            ["thresholding"] = reader.Get("thresholding", false),
            ["dynamic_thresholding_ratio"] = reader.Get("dynamic_thresholding_ratio", 0.995),
            ["sample_max_value"] = reader.Get("sample_max_value", 1.0),
        };
        return Pair(schedule, order == 3 ? "sampler.dpmpp_3m" : "sampler.dpmpp_2m", sampler);
    }

    /// <summary>The Euler family's sigma options: karras/exponential sigmas (beta sigmas are not reproduced).</summary>
    private static JsonObject SigmaSchedule(DiffusersConfig reader, JsonObject schedule, bool hasSigmaBounds)
    {
        schedule["integer_timesteps"] = false;
        bool karras = reader.Get("use_karras_sigmas", false), exponential = reader.Get("use_exponential_sigmas", false);
        reader.Only("use_beta_sigmas", false, false);
        if (karras && exponential)
        {
            throw reader.Unsupported("use_exponential_sigmas", true, "only one of use_karras_sigmas and use_exponential_sigmas may be set");
        }

        schedule["sigma_schedule"] = karras ? "karras" : exponential ? "exponential" : "interpolated";
        if (hasSigmaBounds)
        {
            schedule["sigma_min"] = reader.Get<double?>("sigma_min", null);
            schedule["sigma_max"] = reader.Get<double?>("sigma_max", null);
        }

        return schedule;
    }

    // diffusers scales x_T by sqrt(σ_max² + 1) for leading spacing and by σ_max otherwise.
    private static string InitNoise(JsonObject schedule) =>
        (string?)schedule["timestep_spacing"] == "leading" ? "unit_variance" : "sigma_max";

    private static DiffusersSchedulerPair Pair(JsonObject schedule, string samplerType, JsonObject sampler) =>
        new(new NodeSpec("scheduler.discrete", schedule), new NodeSpec(samplerType, sampler));
}
