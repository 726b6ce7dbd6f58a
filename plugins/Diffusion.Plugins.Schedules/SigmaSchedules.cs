namespace Diffusion.Plugins.Schedules;

/// <summary>
/// Noise levels for sigma-space samplers: σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) (Karras et al. 2022, Table 1, VP column), its
/// interpolation at fractional timesteps, the Karras and exponential discretisations, and the map back from σ to t.
/// </summary>
internal static class SigmaSchedules
{
    /// <summary>numpy.interp over the table indexed 0..T−1 (clamped at both ends).</summary>
    public static double Interpolate(IReadOnlyList<double> table, double t)
    {
        if (t <= 0)
        {
            return table[0];
        }

        if (t >= table.Count - 1)
        {
            return table[^1];
        }

        int low = (int)Math.Floor(t);
        double w = t - low;
        return w == 0 ? table[low] : table[low] + (table[low + 1] - table[low]) * w;
    }

    /// <summary>Karras et al. 2022, Eq. 5: σ_i = (σ_max^(1/ρ) + i/(N−1) (σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, ρ = 7.</summary>
    public static double[] Karras(double sigmaMin, double sigmaMax, int N, double rho = 7.0)
    {
        var ramp = TimestepSpacing.Linspace(0, 1, N);
        double minInvRho = Math.Pow(sigmaMin, 1 / rho), maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        return ramp.Select(r => Math.Pow(maxInvRho + r * (minInvRho - maxInvRho), rho)).ToArray();
    }

    /// <summary>Log-uniform σ from σ_max to σ_min.</summary>
    public static double[] Exponential(double sigmaMin, double sigmaMax, int N) =>
        TimestepSpacing.Linspace(Math.Log(sigmaMax), Math.Log(sigmaMin), N).Select(Math.Exp).ToArray();

    /// <summary>
    /// The (fractional) timestep whose σ is <paramref name="sigma"/>: linear interpolation of log σ between the two
    /// neighbouring training timesteps, as k-diffusion's <c>sigma_to_t</c>.
    /// </summary>
    /// <param name="sigma">The noise level.</param>
    /// <param name="logSigmas">log σ of the training timesteps (increasing).</param>
    /// <param name="store">Rounding to the table precision (diffusers subtracts two float32 table entries in float32).</param>
    public static double SigmaToT(double sigma, IReadOnlyList<double> logSigmas, Func<double, double> store)
    {
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        // low = the last index whose log σ is ≤ log_sigma (the table increases with t), clipped to T−2.
        int low = 0;
        for (int i = 0; i < logSigmas.Count; i++)
        {
            if (logSigma - logSigmas[i] >= 0)
            {
                low = i;
            }
        }

        low = Math.Min(low, logSigmas.Count - 2);
        double lowValue = logSigmas[low], highValue = logSigmas[low + 1];
        double w = Math.Clamp((lowValue - logSigma) / store(lowValue - highValue), 0, 1);
        return (1 - w) * low + w * (low + 1);
    }
}
