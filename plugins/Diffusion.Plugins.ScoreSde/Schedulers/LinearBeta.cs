using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The linear β(t) = β_min + t (β_max − β_min) shared by the VP and sub-VP SDEs (Song et al. 2021, Eq. 32–34), its
/// integral in closed form, and the discrete DDPM betas it is the limit of (β_i = β_min/N + i (β_max − β_min)/(N (N−1))).
/// </summary>
internal readonly record struct LinearBeta(double BetaMin, double BetaMax)
{
    /// <summary>β(t).</summary>
    public torch.Tensor Beta(torch.Tensor t) => BetaMin + t * (BetaMax - BetaMin);

    /// <summary>log of the mean coefficient, −¼ t² (β_max − β_min) − ½ t β_min (Eq. 33: −½ ∫₀ᵗ β(s) ds).</summary>
    public torch.Tensor LogMeanCoefficient(torch.Tensor t) => -0.25 * t.square() * (BetaMax - BetaMin) - 0.5 * t * BetaMin;

    /// <summary>The discrete β_i of level <paramref name="level"/> of N (the reference code's <c>linspace(β_min/N, β_max/N, N)</c>).</summary>
    public double DiscreteBeta(int level, int levels) =>
        levels == 1 ? BetaMin : (BetaMin + level * (BetaMax - BetaMin) / (levels - 1)) / levels;

    /// <summary>Checks the params, naming the node type in the message.</summary>
    public static void Validate(VpSdeSchedulerOptions options, string nodeType)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.BetaMin >= 0) || !(options.BetaMax >= options.BetaMin) || options.BetaMax <= 0)
        {
            throw new ArgumentException($"{nodeType}: need 0 <= beta_min <= beta_max and beta_max > 0, got beta_min={options.BetaMin}, beta_max={options.BetaMax}.", nameof(options));
        }

        if (!(options.Epsilon >= 0 && options.Epsilon < 1))
        {
            throw new ArgumentException($"{nodeType}: epsilon must be in [0, 1), got {options.Epsilon}.", nameof(options));
        }

        if (options.TrainTimesteps < 2)
        {
            throw new ArgumentException($"{nodeType}: train_timesteps must be at least 2, got {options.TrainTimesteps}.", nameof(options));
        }
    }
}
