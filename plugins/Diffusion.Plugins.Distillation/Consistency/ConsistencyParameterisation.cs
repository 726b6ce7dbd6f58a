using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// The consistency function f_θ(x, σ) = c_skip(σ) x + c_out(σ) F_θ(x, σ) with the boundary-condition scalings of Song
/// et al. 2023 (Sec. 3, "f_θ(x, t) = c_skip(t) x + c_out(t) F_θ(x, t)", and App. C, which modifies EDM's):
/// c_skip(σ) = σ_d²/((σ − σ_min)² + σ_d²), c_out(σ) = σ_d (σ − σ_min)/sqrt(σ_d² + σ²), so f(x, σ_min) = x exactly.
/// F_θ is the network in EDM's parameterisation (Karras et al. 2022, Eq. 7: D = c_skip^EDM x + c_out^EDM F with
/// c_skip^EDM = σ_d²/(σ² + σ_d²), c_out^EDM = σ σ_d/sqrt(σ² + σ_d²)), read off our network's own denoiser D_θ(x; σ)
/// (its prediction type through the VP wrapper, x fed as x/sqrt(σ² + 1)): F = (D − c_skip^EDM x)/c_out^EDM. Hence
/// f = c_skip x + ((σ − σ_min)/σ)(D_θ − c_skip^EDM x): for σ ≫ σ_min it is D_θ itself, so a student copied from the
/// teacher starts as the teacher's denoiser, as the paper's students initialised from an EDM teacher do.
/// </summary>
public static class ConsistencyParameterisation
{
    /// <summary>The paper's (c_skip, c_out) at σ.</summary>
    public static (double Skip, double Out) Coefficients(double sigma, double sigmaMin, double sigmaData)
    {
        double offset = sigma - sigmaMin;
        return (sigmaData * sigmaData / ((offset * offset) + (sigmaData * sigmaData)), sigmaData * offset / Math.Sqrt((sigmaData * sigmaData) + (sigma * sigma)));
    }

    /// <summary>f from x (sigma space) and the network's denoiser output D at per-item noise levels σ [batch] (float64).</summary>
    public static Tensor Apply(Tensor x, Tensor denoised, Tensor sigma, double sigmaMin, double sigmaData)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(denoised);
        ArgumentNullException.ThrowIfNull(sigma);
        using var scope = NewDisposeScope();
        var s = sigma.to(float64);
        var dataSquared = sigmaData * sigmaData;
        var skip = dataSquared / ((s - sigmaMin).square() + dataSquared);
        var edmSkip = dataSquared / (s.square() + dataSquared);
        var outRatio = (s - sigmaMin) / s;
        var f = (VectorParameterisation.Broadcast(skip, x) * x)
            + (VectorParameterisation.Broadcast(outRatio, x) * (denoised - (VectorParameterisation.Broadcast(edmSkip, x) * x)));
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// f_θ(x, σ) for network <paramref name="network"/> predicting <paramref name="prediction"/>: its input x/sqrt(σ² + 1)
    /// at model time <paramref name="modelTime"/> [batch], its output turned into D (sigma space), then <see cref="Apply"/>.
    /// </summary>
    public static Tensor Evaluate(IDenoiser network, PredictionType prediction, Tensor x, Tensor sigma, Tensor modelTime, Conditioning? conditioning, double sigmaMin, double sigmaData)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        using var scope = NewDisposeScope();
        var s = sigma.to(float64);
        var input = x / VectorParameterisation.Broadcast((s.square() + 1).sqrt(), x);
        var output = network.Forward(input, modelTime, conditioning).to(x.dtype);
        var denoised = VectorParameterisation.DenoisedAtSigma(prediction, output, x, s);
        return Apply(x, denoised, s, sigmaMin, sigmaData).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The model time of noise level σ for <paramref name="network"/>, as the SDK's <c>SigmaDenoiser.ModelTime</c>: σ for
    /// σ-conditioned networks, else its fractional timestep on the ᾱ table (over T − 1 for continuous time).
    /// </summary>
    public static double ModelTime(IDenoiser network, Lazy<DiscreteSigmas> table, double sigma)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(table);
        return network.Info.TimeInput switch
        {
            TimeInput.Sigma => sigma,
            TimeInput.ContinuousTime => table.Value.SigmaToT(sigma) / (table.Value.Count - 1),
            _ => table.Value.SigmaToT(sigma),
        };
    }
}
