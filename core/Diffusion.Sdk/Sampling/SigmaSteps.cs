namespace Diffusion.Sdk;

/// <summary>Small pieces of sigma-space update rules shared by k-diffusion-style samplers.</summary>
public static class SigmaSteps
{
    /// <summary>
    /// The ancestral split of a step σ_from → σ_to (k-diffusion's <c>get_ancestral_step</c>; DDIM Eq. 16 in σ):
    /// σ_up = min(σ_to, η sqrt(σ_to² (σ_from² − σ_to²)/σ_from²)), σ_down = sqrt(σ_to² − σ_up²). Rounded by
    /// <paramref name="round"/> after every operation (<see cref="Precision"/>).
    /// </summary>
    public static (double Down, double Up) Ancestral(double sigmaFrom, double sigmaTo, double eta, Func<double, double> round)
    {
        ArgumentNullException.ThrowIfNull(round);
        if (eta == 0)
        {
            return (sigmaTo, 0);
        }

        double fromSquared = round(sigmaFrom * sigmaFrom), toSquared = round(sigmaTo * sigmaTo);
        double up = round(Math.Min(sigmaTo, round(eta * round(Math.Sqrt(round(round(toSquared * round(fromSquared - toSquared)) / fromSquared))))));
        double down = round(Math.Sqrt(round(toSquared - round(up * up))));
        return (down, up);
    }
}
