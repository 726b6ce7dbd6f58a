using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Sdk;

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
        if (reader.Get("interpolation_type", "linear") != "linear")
        {
            throw reader.Unsupported("interpolation_type", reader.Get("interpolation_type", "linear"),
                "only linear is supported; diffusers' log_linear gives N + 1 sigmas for N timesteps and never reaches σ = 0");
        }

        schedule["final_sigma"] = reader.Choice("final_sigmas_type", "zero", "zero", "sigma_min");
        var prediction = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample");
        // continuous timesteps change what the model sees (0.25 log σ) only together with v_prediction, as in diffusers.
        var timestepType = reader.Choice("timestep_type", "discrete", "discrete", "continuous");
        var sampler = new JsonObject
        {
            ["prediction_type"] = prediction,
            ["timestep_type"] = timestepType == "continuous" && prediction == "v_prediction" ? "continuous" : "discrete",
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
        var schedule = SigmaSchedule(reader,
            reader.ScheduleParams(0.00085, 0.012, "linspace", hasRescale: false, betaSchedules: ["linear", "scaled_linear", "squaredcos_cap_v2", "exp"]),
            hasSigmaBounds: false);
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

        // Not a PNDMScheduler field: Stable Diffusion 1.x's scheduler_config.json carries it over from DDIM, and
        // diffusers ignores it (with a warning) whatever its value, so ignoring it reproduces diffusers.
        reader.Get("clip_sample", false);
        var sampler = new JsonObject
        {
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction"),
            ["skip_prk_steps"] = reader.Get("skip_prk_steps", false),
        };
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
            // Karras timesteps are rounded (except for the cosine schedule); all are then stored as int64, which truncates.
            schedule["round_sigma_timesteps"] = karras && (string?)schedule["beta_schedule"] != "squaredcos_cap_v2";
            schedule["integer_sigma_timesteps"] = true;
        }

        reader.Only("use_beta_sigmas", false, false);
        reader.Only("use_lu_lambdas", false, false);
        reader.Only("use_flow_sigmas", false, false);
        reader.Only("use_dynamic_shifting", false, false);
        // Read only by flow sigmas and dynamic shifting, both rejected above: any value is inert.
        reader.Get("flow_shift", 1.0);
        reader.Get("time_shift_type", "exponential");
        var variance = reader.Get<string?>("variance_type", null);
        if (variance is not null)
        {
            throw reader.Unsupported("variance_type", variance, "learned variances need a model with 2× output channels; only null is supported");
        }

        // diffusers maps the retired "deis" to dpmsolver++ and the UniPC/DEIS solver types to midpoint.
        var algorithm = reader.Choice("algorithm_type", "dpmsolver++", "dpmsolver++", "sde-dpmsolver++", "dpmsolver", "sde-dpmsolver", "deis");
        algorithm = algorithm == "deis" ? "dpmsolver++" : algorithm;
        var solverType = reader.Choice("solver_type", "midpoint", "midpoint", "heun", "logrho", "bh1", "bh2");
        solverType = solverType == "heun" ? "heun" : "midpoint";
        var lambdaMinClipped = ReadLambdaMinClipped(reader);
        if (lambdaMinClipped is { } clip && !double.IsNegativeInfinity(clip))
        {
            schedule["lambda_min_clipped"] = clip;
        }

        var finalSigma = reader.Choice("final_sigmas_type", "zero", "zero", "sigma_min");
        if (finalSigma == "zero" && algorithm is "dpmsolver" or "sde-dpmsolver")
        {
            throw reader.Unsupported("final_sigmas_type", finalSigma, $"algorithm_type {algorithm} needs sigma_min (diffusers rejects zero too)");
        }

        schedule["final_sigma"] = finalSigma;
        int order = reader.Get("solver_order", 2);
        if (order is < 1 or > 3 || (order == 3 && algorithm == "sde-dpmsolver"))
        {
            throw reader.Unsupported("solver_order", order, algorithm == "sde-dpmsolver" ? "sde-dpmsolver has orders 1 and 2" : "use 1, 2 or 3");
        }

        var sampler = new JsonObject
        {
            ["algorithm_type"] = algorithm,
            ["prediction_type"] = reader.Choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample"),
            ["solver_order"] = order,
            ["solver_type"] = solverType,
            ["lower_order_final"] = reader.Get("lower_order_final", true),
            ["euler_at_final"] = reader.Get("euler_at_final", false),
            ["thresholding"] = reader.Get("thresholding", false),
            ["dynamic_thresholding_ratio"] = reader.Get("dynamic_thresholding_ratio", 0.995),
            ["sample_max_value"] = reader.Get("sample_max_value", 1.0),
        };
        return Pair(schedule, order == 3 ? "sampler.dpmpp_3m" : "sampler.dpmpp_2m", sampler);
    }

    /// <summary>lambda_min_clipped: a number, or the string "-inf"/"-Infinity" some configs hold.</summary>
    private static double? ReadLambdaMinClipped(DiffusersConfig reader)
    {
        var node = reader.Get<System.Text.Json.JsonElement?>("lambda_min_clipped", null);
        return node switch
        {
            null => null,
            { ValueKind: System.Text.Json.JsonValueKind.Number } n => n.GetDouble(),
            { ValueKind: System.Text.Json.JsonValueKind.String } t when t.GetString() is "-inf" or "-Infinity" => double.NegativeInfinity,
            { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
            var other => throw reader.Unsupported("lambda_min_clipped", other.ToString(), "give a number or -inf"),
        };
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
