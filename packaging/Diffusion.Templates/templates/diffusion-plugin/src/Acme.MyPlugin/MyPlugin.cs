using Diffusion.Contracts;

namespace Acme.MyPlugin;

/// <summary>The plugin's entry point: the host creates it once and lets it register node types and services.</summary>
public sealed class MyPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new MySamplerNode());
    }
}
