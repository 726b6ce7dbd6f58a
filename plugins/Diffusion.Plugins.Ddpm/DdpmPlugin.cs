using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.Plugins.Ddpm;

/// <summary>Entry point of the Ddpm plugin: <c>sampler.ddpm</c> and the DDPMScheduler mapping.</summary>
public sealed class DdpmPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new DdpmSamplerNode());
        registrar.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusersSchedulerMapping, DdpmDiffusersMapping>());
    }
}
