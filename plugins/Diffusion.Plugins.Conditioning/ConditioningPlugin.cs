using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>Registers the conditioning nodes (<c>condition.labels</c>).</summary>
public sealed class ConditioningPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new LabelsNode());
    }
}
