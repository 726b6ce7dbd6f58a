using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Diffusion.Contracts;
using Diffusion.Plugins.Ddim;
using Diffusion.Plugins.Ddpm;
using Diffusion.Plugins.Samplers;

namespace Diffusion.Plugins.Tests.Samplers;

/// <summary>
/// Every __init__ field of diffusers' DDPM, DDIM, Euler, Euler ancestral, Heun, LMS, PNDM and DPM-Solver multistep
/// schedulers (as in diffusers' source), set to a value other than its default: the mapping either honours it (the
/// node params change) or rejects it with a NotSupportedException naming the field. Nothing is silently ignored.
/// </summary>
public sealed class DiffusersMappingFieldTests
{
    private static readonly string[] Common = ["num_train_timesteps", "beta_start", "beta_end", "beta_schedule", "trained_betas", "timestep_spacing", "steps_offset", "prediction_type"];

    private static readonly Dictionary<string, string[]> Fields = new()
    {
        ["DDPMScheduler"] = [.. Common, "variance_type", "clip_sample", "thresholding", "dynamic_thresholding_ratio", "clip_sample_range", "sample_max_value", "rescale_betas_zero_snr"],
        ["DDIMScheduler"] = [.. Common, "clip_sample", "set_alpha_to_one", "thresholding", "dynamic_thresholding_ratio", "clip_sample_range", "sample_max_value", "rescale_betas_zero_snr"],
        ["EulerDiscreteScheduler"] = [.. Common, "interpolation_type", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "sigma_min", "sigma_max", "timestep_type", "rescale_betas_zero_snr", "final_sigmas_type"],
        ["EulerAncestralDiscreteScheduler"] = [.. Common, "rescale_betas_zero_snr"],
        ["HeunDiscreteScheduler"] = [.. Common, "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "clip_sample", "clip_sample_range"],
        ["LMSDiscreteScheduler"] = [.. Common, "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas"],
        ["PNDMScheduler"] = [.. Common, "skip_prk_steps", "set_alpha_to_one"],
        ["DPMSolverMultistepScheduler"] =
        [
            .. Common, "solver_order", "thresholding", "dynamic_thresholding_ratio", "sample_max_value", "algorithm_type", "solver_type",
            "lower_order_final", "euler_at_final", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas",
            "use_flow_sigmas", "flow_shift", "final_sigmas_type", "lambda_min_clipped", "variance_type", "rescale_betas_zero_snr",
            "use_dynamic_shifting", "time_shift_type",
        ],
    };

    // Fields diffusers itself reads only together with an option we reject (flow sigmas, dynamic shifting): inert alone.
    private static readonly HashSet<string> InertAlone = ["DPMSolverMultistepScheduler.flow_shift", "DPMSolverMultistepScheduler.time_shift_type"];

    private static JsonNode NonDefault(string className, string field) => (className, field) switch
    {
        (_, "num_train_timesteps") => 500,
        (_, "beta_start") => 0.0002,
        (_, "beta_end") => 0.03,
        (_, "beta_schedule") => "scaled_linear",
        (_, "trained_betas") => new JsonArray(0.1, 0.2),
        (_, "timestep_spacing") => "trailing",
        (_, "steps_offset") => 1,
        (_, "prediction_type") => "v_prediction",
        (_, "variance_type") => className == "DDPMScheduler" ? "fixed_large" : "learned",
        (_, "clip_sample") => className == "HeunDiscreteScheduler",
        (_, "thresholding") => true,
        (_, "dynamic_thresholding_ratio" or "sample_max_value" or "clip_sample_range") => 2.5,
        (_, "rescale_betas_zero_snr") => true,
        (_, "set_alpha_to_one") => className == "PNDMScheduler",
        (_, "interpolation_type") => "log_linear",
        (_, "use_karras_sigmas" or "use_exponential_sigmas" or "use_beta_sigmas" or "use_lu_lambdas" or "use_flow_sigmas") => true,
        (_, "use_dynamic_shifting" or "euler_at_final" or "skip_prk_steps") => true,
        (_, "lower_order_final") => false,
        (_, "sigma_min") => 0.1,
        (_, "sigma_max") => 10.0,
        (_, "timestep_type") => "continuous",
        (_, "final_sigmas_type") => "sigma_min",
        (_, "solver_order") => 3,
        (_, "algorithm_type") => "sde-dpmsolver++",
        (_, "solver_type") => "heun",
        (_, "flow_shift") => 3.0,
        (_, "time_shift_type") => "linear",
        (_, "lambda_min_clipped") => -5.1,
        _ => throw new InvalidOperationException($"no non-default value for {className}.{field}"),
    };

    public static TheoryData<string, string> ClassFields()
    {
        var data = new TheoryData<string, string>();
        foreach (var (className, fields) in Fields)
        {
            foreach (var field in fields)
            {
                data.Add(className, field);
            }
        }

        return data;
    }

    private static IDiffusersSchedulerMapping MappingFor(string className) => className switch
    {
        "DDPMScheduler" => new DdpmDiffusersMapping(),
        "DDIMScheduler" => new DdimDiffusersMapping(),
        _ => new KDiffusionDiffusersMapping(),
    };

    [Theory]
    [MemberData(nameof(ClassFields))]
    public void Field_is_honoured_or_rejected_by_name(string className, string field)
    {
        var mapping = MappingFor(className);
        // timestep_type continuous only changes what a v-prediction model sees; compare on that footing.
        var baseConfig = field == "timestep_type" ? new JsonObject { ["prediction_type"] = "v_prediction" } : [];
        var changed = (JsonObject)baseConfig.DeepClone();
        changed[field] = NonDefault(className, field);

        var baseline = mapping.Map(className, baseConfig);
        DiffusersSchedulerPair pair;
        try
        {
            pair = mapping.Map(className, changed);
        }
        catch (NotSupportedException ex)
        {
            ex.Message.Should().Contain($"'{field}'", "a rejected field must be named");
            return;
        }

        if (InertAlone.Contains($"{className}.{field}"))
        {
            return;
        }

        // s_tmax defaults to +inf, which plain JSON cannot write.
        var json = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        string Describe(DiffusersSchedulerPair p) =>
            p.Scheduler.Type + p.Scheduler.Params.ToJsonString(json) + p.Sampler.Type + p.Sampler.Params.ToJsonString(json);
        Describe(pair).Should().NotBe(Describe(baseline), $"{className}.{field} was accepted, so it must change the pipeline");
    }

    [Theory]
    [InlineData("DDPMScheduler")]
    [InlineData("DPMSolverMultistepScheduler")]
    [InlineData("PNDMScheduler")]
    public void Unknown_field_is_rejected_by_name(string className)
    {
        var act = () => MappingFor(className).Map(className, new JsonObject { ["shift_everything"] = 2 });
        act.Should().Throw<NotSupportedException>().WithMessage("*'shift_everything'*");
    }

    [Fact]
    public void Ddpm_fixed_large_log_is_rejected_with_the_reason()
    {
        var act = () => new DdpmDiffusersMapping().Map("DDPMScheduler", new JsonObject { ["variance_type"] = "fixed_large_log" });
        act.Should().Throw<NotSupportedException>().WithMessage("*'variance_type'*NaN*");
    }

    [Theory]
    [InlineData("dpmsolver", "zero")]
    [InlineData("sde-dpmsolver", "zero")]
    public void Dpm_solver_noise_prediction_needs_a_sigma_min_final_sigma(string algorithm, string finalSigmas)
    {
        var act = () => new KDiffusionDiffusersMapping().Map("DPMSolverMultistepScheduler",
            new JsonObject { ["algorithm_type"] = algorithm, ["final_sigmas_type"] = finalSigmas });
        act.Should().Throw<NotSupportedException>().WithMessage("*'final_sigmas_type'*");
    }

    [Fact]
    public void Dpm_solver_maps_the_retired_deis_and_unipc_names_as_diffusers_does()
    {
        var pair = new KDiffusionDiffusersMapping().Map("DPMSolverMultistepScheduler",
            new JsonObject { ["algorithm_type"] = "deis", ["solver_type"] = "bh2" });
        ((string?)pair.Sampler.Params["algorithm_type"]).Should().Be("dpmsolver++");
        ((string?)pair.Sampler.Params["solver_type"]).Should().Be("midpoint");
    }
}
