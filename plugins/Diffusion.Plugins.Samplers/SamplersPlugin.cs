using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.Plugins.Samplers;

/// <summary>Entry point of the Samplers plugin: the k-diffusion family of samplers and their diffusers mappings.</summary>
public sealed class SamplersPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new EulerSamplerNode());
        registrar.AddNodeType(new EulerAncestralSamplerNode());
        registrar.AddNodeType(new HeunSamplerNode());
        registrar.AddNodeType(new LmsSamplerNode());
        registrar.AddNodeType(new PndmSamplerNode());
        registrar.AddNodeType(new Dpmpp2mSamplerNode());
        registrar.AddNodeType(new Dpmpp3mSamplerNode());
        registrar.AddNodeType(new Adaptive.DpmAdaptiveNode());
        registrar.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusersSchedulerMapping, KDiffusionDiffusersMapping>());
    }
}
