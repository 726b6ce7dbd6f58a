using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Acme.MyPlugin;

/// <summary>The node <c>sampler.acme_myplugin</c>: its params are <see cref="MySamplerOptions"/>, its output the sampler.</summary>
public sealed class MySamplerNode : SamplerNodeType<MySamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.acme_myplugin";

    /// <inheritdoc />
    protected override string Description => "Euler steps of the probability-flow ODE with optional churn (an example to replace).";

    /// <inheritdoc />
    protected override ISampler Create(MySamplerOptions options) => new MySampler(options);
}
