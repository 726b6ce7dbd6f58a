using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>denoiser.unet2d_condition</c>.</summary>
public sealed record UNet2DConditionDenoiserOptions
{
    [Param("A diffusers UNet2DConditionModel folder (config.json + weights) or a Stable Diffusion pipeline folder (its unet/), relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Model { get; init; } = "";

    [Param("What the UNet predicts; auto takes prediction_type from the pipeline folder's scheduler/scheduler_config.json, else epsilon.",
        Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string Prediction { get; init; } = "auto";
}
