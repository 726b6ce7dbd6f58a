using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Linear multistep (Adams–Bashforth in σ, k-diffusion's <c>sample_lms</c>): x_{i+1} = x_i + Σ_k c_k d_{i−k} with
/// c_k = ∫_{σ_i}^{σ_{i+1}} Π_{j≠k} (τ − σ_{i−j})/(σ_{i−k} − σ_{i−j}) dτ, the integral of the Lagrange basis through the
/// last <c>order</c> noise levels; diffusers' <c>LMSDiscreteScheduler</c>.
/// </summary>
public sealed class LmsSampler : ISampler
{
    // Four-point Gauss–Legendre is exact for the cubic Lagrange basis polynomials of order ≤ 4.
    private static readonly double[] Nodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
    private static readonly double[] Weights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];
    private readonly LmsSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public LmsSampler(LmsSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Order, 4);
        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("lms", Stochastic: false) { Needs = ScheduleFeatures.Sigmas };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, options.PredictionType, Info);
        var (sigmas, timesteps) = (model.Sigmas, request.Schedule.Timesteps);
        var x = model.Initial(options.InitNoiseSigma);
        var derivatives = new List<Tensor>();
        try
        {
            for (int i = 0; i < timesteps.Count; i++)
            {
                request.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var denoised = model.Denoise(x, i);
                derivatives.Add(((x - denoised) / sigmas[i]).MoveToOuterDisposeScope());
                if (derivatives.Count > options.Order)
                {
                    derivatives[0].Dispose();
                    derivatives.RemoveAt(0);
                }

                int order = Math.Min(i + 1, options.Order);
                var next = x.alias();
                for (int k = 0; k < order; k++)
                {
                    next = next + Coefficient(sigmas, order, i, k) * derivatives[^(k + 1)];
                }

                next = next.MoveToOuterDisposeScope();
                request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, timesteps[i], next, denoised));
                SamplerTensors.Replace(ref x, next);
            }
        }
        finally
        {
            derivatives.ForEach(d => d.Dispose());
        }

        return model.Result(x, timesteps.Count);
    }

    private static double Coefficient(IReadOnlyList<double> sigmas, int order, int i, int k)
    {
        double Basis(double tau)
        {
            double product = 1.0;
            for (int j = 0; j < order; j++)
            {
                if (j != k)
                {
                    product *= (tau - sigmas[i - j]) / (sigmas[i - k] - sigmas[i - j]);
                }
            }

            return product;
        }

        double a = sigmas[i], b = sigmas[i + 1], half = (b - a) / 2, middle = (a + b) / 2, sum = 0;
        for (int n = 0; n < Nodes.Length; n++)
        {
            sum += Weights[n] * Basis(middle + half * Nodes[n]);
        }

        return sum * half;
    }
}
