using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.Plugins.Ddim;

/// <summary>Entry point of the Ddim plugin: <c>sampler.ddim</c> and the DDIMScheduler mapping.</summary>
public sealed class DdimPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new DdimSamplerNode());
        registrar.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusersSchedulerMapping, DdimDiffusersMapping>());
    }
}
