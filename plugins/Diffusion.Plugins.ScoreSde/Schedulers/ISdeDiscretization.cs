using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The forward SDE discretised on N levels, x_{i+1} = x_i + f_i(x_i) + G_i z_i (Song et al. 2021, Eq. 45; for VE the
/// SMLD chain, Eq. 46; for VP the DDPM chain, Eq. 47). The reverse-diffusion predictor (Eq. 46–47 reversed) and the
/// Langevin corrector's step size (Algorithms 4–5) read it.
/// </summary>
internal interface ISdeDiscretization
{
    /// <summary>f_i(x) (shape of <paramref name="x"/>) and G_i ([batch] float64) for the level holding time <paramref name="t"/>.</summary>
    (torch.Tensor Drift, torch.Tensor Diffusion) Discretize(torch.Tensor x, double t, int levels);

    /// <summary>α_i of the Langevin step size 2 α_i (r ‖z‖/‖s‖)² (Algorithm 5: α_i for VP, 1 for VE).</summary>
    double LangevinAlpha(double t, int levels);
}
