using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Entry point of the Sampling plugin: the <c>sample</c> and <c>scheduler.from_diffusers</c> nodes.</summary>
public sealed class SamplingPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new SampleNode());
        registrar.AddNodeType(new SchedulerFromDiffusersNode());
    }
}
