using Diffusion.Contracts;

namespace Samples.HelloPlugin;

/// <summary>The plugin's one entry class: the host creates it and calls <see cref="Register"/> once.</summary>
public sealed class HelloPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new ScaleNodeType());
    }
}
