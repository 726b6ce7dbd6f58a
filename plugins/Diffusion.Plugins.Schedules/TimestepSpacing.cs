namespace Diffusion.Plugins.Schedules;

/// <summary>
/// The rules that pick N of the T training timesteps (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample
/// Steps are Flawed", Table 2), reproducing numpy's arange/linspace/round (round half to even) as diffusers uses them.
/// Results are in visiting order (descending).
/// </summary>
internal static class TimestepSpacing
{
    /// <param name="spacing">The rule.</param>
    /// <param name="T">Number of training timesteps.</param>
    /// <param name="N">Number of inference steps.</param>
    /// <param name="stepsOffset">Added to leading timesteps.</param>
    /// <param name="integer">Round linspace timesteps to integers.</param>
    /// <param name="last">
    /// One past the largest usable timestep: T, or fewer where DPM-Solver's lambda_min_clipped drops the noisiest ones;
    /// only the DPM-Solver rules (the n_plus_1 ones and trailing) start below it, as diffusers does.
    /// </param>
    public static double[] Create(string spacing, int T, int N, int stepsOffset, bool integer, int last) => spacing switch
    {
        "linspace" => Descending(Linspace(0, T - 1, N), integer),
        "leading" => Leading(T, N, N, stepsOffset),
        "trailing" => Trailing(last, (double)T / N),
        "linspace_n_plus_1" => Descending(Linspace(0, last - 1, N + 1), true)[..N],
        "leading_n_plus_1" => Leading(last, N + 1, N + 1, stepsOffset)[..N],
        _ => throw new ArgumentException(
            $"scheduler.discrete: timestep_spacing '{spacing}' is unknown; use leading, trailing, linspace, linspace_n_plus_1 or leading_n_plus_1."),
    };

    /// <summary>numpy.linspace: start + k·step, with the last point set to stop exactly.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        var result = new double[count];
        double step = count > 1 ? (stop - start) / (count - 1) : 0;
        for (int k = 0; k < count; k++)
        {
            result[k] = k * step + start;
        }

        if (count > 1)
        {
            result[^1] = stop;
        }

        return result;
    }

    private static double[] Descending(double[] ascending, bool integer)
    {
        var result = ascending.Reverse().ToArray();
        for (int i = 0; i < result.Length; i++)
        {
            // Fractional timesteps are float32 in diffusers (np.linspace(..., dtype=np.float32)).
            result[i] = integer ? Math.Round(result[i], MidpointRounding.ToEven) : (float)result[i];
        }

        return result;
    }

    /// <summary>Leading: t = k · (T // count) + offset for k = count−1..0 (DDIM, Song et al. 2021, Sec. 4.2 "linear" τ).</summary>
    private static double[] Leading(int T, int count, int divisor, int stepsOffset)
    {
        int stepRatio = T / divisor;
        var result = new double[count];
        for (int k = 0; k < count; k++)
        {
            result[k] = (double)(count - 1 - k) * stepRatio + stepsOffset;
        }

        return result;
    }

    /// <summary>
    /// Trailing: round(start − k · T/N) − 1 for k = 0.. while start − k · T/N &gt; 0 (Lin et al. 2024, Sec. 3.4), start = T
    /// (or DPM-Solver's clipped last timestep); numpy.arange's length and fill rule, so counts match it exactly.
    /// </summary>
    private static double[] Trailing(int start, double stepRatio)
    {
        int count = (int)Math.Ceiling(start / stepRatio);
        // numpy.arange fills start + k·δ with δ = (start − step) − start, not −step itself.
        double delta = (start - stepRatio) - start;
        var result = new double[count];
        for (int k = 0; k < count; k++)
        {
            result[k] = Math.Round(start + k * delta, MidpointRounding.ToEven) - 1;
        }

        return result;
    }
}
