namespace Diffusion.Contracts;

/// <summary>
/// The entry point of a plugin assembly. The host creates it with a public parameterless constructor and calls
/// <see cref="Register"/> once, before any pipeline runs. Built-in plugins are loaded the same way as third-party ones.
/// </summary>
public interface IDiffusionPlugin
{
    /// <summary>Adds this plugin's node types and services.</summary>
    void Register(IPluginRegistrar registrar);
}
