using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>Params of <c>output.denoiser</c>.</summary>
public sealed record SaveDenoiserOptions
{
    [Param("The safetensors file to write, relative to the output folder.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "denoiser.safetensors";
}
