using Diffusion.Contracts;

namespace Diffusion.Plugins.Schedules;

/// <summary>Entry point of the Schedules plugin: registers <c>scheduler.discrete</c>.</summary>
public sealed class SchedulesPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new DiscreteSchedulerNode());
    }
}
