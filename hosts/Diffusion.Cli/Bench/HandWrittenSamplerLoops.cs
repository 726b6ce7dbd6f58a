using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Bench;

/// <summary>
/// The baseline of <c>diffuse bench samplers-overhead</c>: DDPM and DDIM written out as plain TorchSharp loops, the way
/// one would write them without the framework, with the math of diffusers' <c>DDPMScheduler.step</c> and
/// <c>DDIMScheduler.step</c> (float32 coefficients, x̂_0 clipped to ±1, noise drawn on the CPU from one generator,
/// one dispose scope per step). The same seed must give the samplers' samples, which the benchmark checks.
/// </summary>
internal sealed class HandWrittenSamplerLoops
{
    private readonly double[] alphasCumprod;
    private readonly int trainTimesteps;

    /// <summary>ᾱ_t = Π_{s≤t}(1 − β_s) with β linear from <paramref name="betaStart"/> to <paramref name="betaEnd"/> in float32 (Ho et al. 2020, Sec. 4), as diffusers builds it.</summary>
    public HandWrittenSamplerLoops(int trainTimesteps, double betaStart, double betaEnd)
    {
        this.trainTimesteps = trainTimesteps;
        using var scope = NewDisposeScope();
        var betas = linspace(betaStart, betaEnd, trainTimesteps, dtype: float32);
        alphasCumprod = cumprod(1.0f - betas, 0).to(float64).data<double>().ToArray();
    }

    /// <summary>diffusers' leading spacing: t_i = (N − 1 − i) · (T // N).</summary>
    private int[] LeadingTimesteps(int steps)
    {
        int stride = trainTimesteps / steps;
        return [.. Enumerable.Range(0, steps).Select(i => (steps - 1 - i) * stride)];
    }

    /// <summary>
    /// DDPM ancestral sampling (Ho et al. 2020, Algorithm 2): x̂_0 from ε̂ (Eq. 15), posterior mean μ̃_t (Eq. 7) and
    /// σ_t = sqrt(β̃_t) (fixed_small, Sec. 3.2). Returns x_0 on the CPU.
    /// </summary>
    public Tensor Ddpm(long[] shape, int steps, ulong seed, double scale, Device device)
    {
        var generator = new Generator(seed, CPU);
        var timesteps = LeadingTimesteps(steps);
        var x = Noise(shape, generator, device);
        for (int i = 0; i < timesteps.Length; i++)
        {
            using var scope = NewDisposeScope();
            int t = timesteps[i];
            float alphaProdT = (float)alphasCumprod[t];
            float alphaProdPrev = i + 1 < timesteps.Length ? (float)alphasCumprod[timesteps[i + 1]] : 1f;
            float betaProdT = 1f - alphaProdT, betaProdPrev = 1f - alphaProdPrev;
            float currentAlphaT = alphaProdT / alphaProdPrev, currentBetaT = 1f - currentAlphaT;

            var epsilon = Denoise(x, full(shape[0], (float)t, float32, device), scale);
            var x0 = ((x - MathF.Sqrt(betaProdT) * epsilon) / MathF.Sqrt(alphaProdT)).clamp(-1.0, 1.0);
            var next = MathF.Sqrt(alphaProdPrev) * currentBetaT / betaProdT * x0 + MathF.Sqrt(currentAlphaT) * betaProdPrev / betaProdT * x;
            if (t > 0)
            {
                float posteriorVariance = MathF.Max(betaProdPrev / betaProdT * currentBetaT, 1e-20f);
                next = next + MathF.Sqrt(posteriorVariance) * Noise(shape, generator, device);
            }

            next = next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }

        return ToCpu(x);
    }

    /// <summary>
    /// DDIM (Song et al. 2021, Eq. 12) with σ_t(η) of Eq. 16 and t' = t − T // N; ᾱ after the last step is 1.
    /// Returns x_0 on the CPU.
    /// </summary>
    public Tensor Ddim(long[] shape, int steps, float eta, ulong seed, double scale, Device device)
    {
        var generator = new Generator(seed, CPU);
        var timesteps = LeadingTimesteps(steps);
        int stride = trainTimesteps / steps;
        var x = Noise(shape, generator, device);
        for (int i = 0; i < timesteps.Length; i++)
        {
            using var scope = NewDisposeScope();
            int t = timesteps[i], previousT = t - stride;
            float alphaProdT = (float)alphasCumprod[t];
            float alphaProdPrev = previousT >= 0 ? (float)alphasCumprod[previousT] : 1f;

            var epsilon = Denoise(x, full(shape[0], (float)t, float32, device), scale);
            var x0 = ((x - MathF.Sqrt(1f - alphaProdT) * epsilon) / MathF.Sqrt(alphaProdT)).clamp(-1.0, 1.0);
            float variance = (1f - alphaProdPrev) / (1f - alphaProdT) * (1f - (alphaProdT / alphaProdPrev));
            float sigmaT = eta * MathF.Sqrt(variance);
            var next = MathF.Sqrt(alphaProdPrev) * x0 + MathF.Sqrt(1f - alphaProdPrev - (sigmaT * sigmaT)) * epsilon;
            if (eta > 0)
            {
                next = next + sigmaT * Noise(shape, generator, device);
            }

            next = next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }

        return ToCpu(x);
    }

    // The trivial denoiser ε̂(x_t, t) = scale · x_t; the time tensor is made as a real loop would, and ignored.
    private static Tensor Denoise(Tensor x, Tensor time, double scale) => x * scale;

    // Noise is drawn on the CPU from the run's generator (diffusers' randn_tensor), then moved.
    private static Tensor Noise(long[] shape, Generator generator, Device device)
    {
        var noise = randn(shape, float32, generator: generator);
        return device.type == DeviceType.CPU ? noise : noise.to(device);
    }

    private static Tensor ToCpu(Tensor x)
    {
        using (x)
        {
            return x.to(CPU, copy: true);
        }
    }
}
