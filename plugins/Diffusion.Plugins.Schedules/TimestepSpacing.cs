namespace Diffusion.Plugins.Schedules;

/// <summary>
/// The rules that pick N of the T training timesteps (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample
/// Steps are Flawed", Table 2), reproducing numpy's arange/linspace/round (round half to even) as diffusers uses them.
/// Results are in visiting order (descending).
/// </summary>
internal static class TimestepSpacing
{
    public static double[] Create(string spacing, int T, int N, int stepsOffset, bool integer) => spacing switch
    {
        "linspace" => Descending(Linspace(0, T - 1, N), integer),
        "leading" => Leading(T, N, N, stepsOffset),
        "trailing" => Trailing(T, N),
        "linspace_n_plus_1" => Descending(Linspace(0, T - 1, N + 1), true)[..N],
        "leading_n_plus_1" => Leading(T, N + 1, N + 1, stepsOffset)[..N],
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

    /// <summary>Trailing: round(T − k · T/N) − 1 for k = 0.. while positive (Lin et al. 2024, Sec. 3.4).</summary>
    private static double[] Trailing(int T, int N)
    {
        double stepRatio = (double)T / N;
        int count = (int)Math.Ceiling(T / stepRatio);
        var result = new double[count];
        for (int k = 0; k < count; k++)
        {
            result[k] = Math.Round(T - k * stepRatio, MidpointRounding.ToEven) - 1;
        }

        return result;
    }
}
