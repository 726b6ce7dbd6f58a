using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>Registers the conditioning nodes: <c>condition</c> (any conditioner), <c>conditioner.class_labels</c> and <c>condition.labels</c>.</summary>
public sealed class ConditioningPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new LabelsNode());
        registrar.AddNodeType(new ConditionNode());
        registrar.AddNodeType(new ClassLabelConditionerNode());
    }
}
