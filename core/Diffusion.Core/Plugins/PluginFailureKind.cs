namespace Diffusion.Core.Plugins;

/// <summary>Why a plugin folder was not loaded.</summary>
public enum PluginFailureKind
{
    /// <summary>The folder has no <c>plugin.json</c>, or the path given does not exist.</summary>
    MissingManifest,

    /// <summary><c>plugin.json</c> is not valid JSON, lacks a field, or names its assembly outside the folder.</summary>
    InvalidManifest,

    /// <summary>The manifest's contracts version has another major, or a newer minor, than the host's.</summary>
    IncompatibleContracts,

    /// <summary>The main assembly (or one of its private dependencies) could not be found or loaded.</summary>
    AssemblyLoadFailed,

    /// <summary>
    /// The plugin was built against a newer version of an assembly the host shares with plugins (contracts, TorchSharp,
    /// Diffusion.Torch, Diffusion.Nn, Microsoft.Extensions abstractions), or its contracts types are not the host's.
    /// </summary>
    SharedAssemblyMismatch,

    /// <summary>The assembly has no, or more than one, public concrete <c>IDiffusionPlugin</c> with a parameterless constructor.</summary>
    NoEntryPoint,

    /// <summary>The entry class threw while being created or in <c>Register</c>, or removed or replaced host services.</summary>
    RegistrationFailed,

    /// <summary>The plugin registers a node type name that is already taken; none of the plugin's registrations are kept.</summary>
    DuplicateNodeType,

    /// <summary>A folder with the same plugin id was already loaded; the later folder is skipped.</summary>
    DuplicatePluginId,
}
