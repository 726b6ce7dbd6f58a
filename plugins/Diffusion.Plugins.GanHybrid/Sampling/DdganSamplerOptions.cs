using Diffusion.Contracts;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>Params of <c>sampler.ddgan</c>.</summary>
public sealed record DdganSamplerOptions
{
    [Param("Clip the generator's x̂_0 to ±clip_sample_range before the posterior step (images; the conv generator's tanh already bounds it).")]
    public bool ClipSample { get; init; }

    [Param("Bound for clip_sample.", Min = 0)]
    public double ClipSampleRange { get; init; } = 1.0;
}
