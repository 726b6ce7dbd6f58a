using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The time-conditioned DDGAN discriminator D_φ(x_{t−1}, x_t, t) → logit (Xiao et al. 2022): it judges whether x_{t−1} is
/// a plausible denoising of x_t at step t. With class labels it adds a projection term ⟨embed(y), φ(x)⟩
/// (Miyato &amp; Koyama 2018, projection discriminator).
/// </summary>
public abstract class Discriminator : nn.Module
{
    /// <summary>Names the module.</summary>
    protected Discriminator(string name)
        : base(name)
    {
    }

    /// <summary>Logits [batch] for x_{t−1} <paramref name="previous"/>, x_t <paramref name="current"/>, timesteps [batch] and optional labels.</summary>
    public abstract Tensor Forward(Tensor previous, Tensor current, Tensor time, Tensor? labels);
}
