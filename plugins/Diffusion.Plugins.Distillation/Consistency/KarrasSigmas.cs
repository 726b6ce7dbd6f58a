namespace Diffusion.Plugins.Distillation;

/// <summary>
/// The N noise levels consistency distillation trains on, the discretisation Song et al. 2023 take from Karras et al.
/// 2022 (Eq. 5): σ_i = (σ_min^{1/ρ} + i/(N − 1) (σ_max^{1/ρ} − σ_min^{1/ρ}))^ρ for i = 0..N−1, increasing, ρ = 7.
/// </summary>
public static class KarrasSigmas
{
    /// <summary>The N levels from σ_min to σ_max.</summary>
    public static double[] Create(int count, double sigmaMin, double sigmaMax, double rho)
    {
        if (count < 2 || !(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !(rho > 0))
        {
            throw new ArgumentException($"Karras sigmas need N >= 2, 0 < sigma_min < sigma_max and rho > 0; got N = {count}, sigma_min = {sigmaMin}, sigma_max = {sigmaMax}, rho = {rho}.");
        }

        double low = Math.Pow(sigmaMin, 1 / rho), high = Math.Pow(sigmaMax, 1 / rho);
        var sigmas = new double[count];
        for (int i = 0; i < count; i++)
        {
            sigmas[i] = Math.Pow(low + ((double)i / (count - 1) * (high - low)), rho);
        }

        // Exact ends, so the boundary σ_min of f is hit without rounding.
        sigmas[0] = sigmaMin;
        sigmas[^1] = sigmaMax;
        return sigmas;
    }
}
