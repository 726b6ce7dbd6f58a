using Diffusion.Contracts;

namespace Diffusion.Sdk;

/// <summary>The run-time twin of the validator's compatibility check, for callers that drive an <see cref="ISampler"/> directly.</summary>
public static class SamplerRequirements
{
    /// <summary>Throws <see cref="NotSupportedException"/> with the reason when <paramref name="info"/>'s sampler cannot run the request.</summary>
    public static void Ensure(SamplerInfo info, SamplingRequest request, PredictionType? prediction = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(request);
        if (info.Explain(request.Scheduler, request.Denoiser, prediction) is { } problem)
        {
            throw new NotSupportedException(problem);
        }
    }
}
