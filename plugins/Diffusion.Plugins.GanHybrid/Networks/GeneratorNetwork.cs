using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>A DDGAN generator network G(x_t, t, z, y) → x̂_0 (Xiao et al. 2022): the architecture behind a <see cref="DdganGenerator"/>.</summary>
public abstract class GeneratorNetwork : nn.Module
{
    /// <summary>Names the module.</summary>
    protected GeneratorNetwork(string name)
        : base(name)
    {
    }

    /// <summary>x̂_0 for x_t [batch, ...], integer timesteps [batch], latents z [batch, latent] and optional labels [batch].</summary>
    public abstract Tensor Forward(Tensor sample, Tensor time, Tensor latent, Tensor? labels);
}
