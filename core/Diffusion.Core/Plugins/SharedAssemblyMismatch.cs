namespace Diffusion.Core.Plugins;

/// <summary>A plugin file that references a shared assembly newer than the host's copy.</summary>
/// <param name="ReferencingFile">The full path of the plugin file (main assembly or private dependency) that holds the reference.</param>
/// <param name="SharedAssembly">The simple name of the shared assembly.</param>
/// <param name="ReferencedVersion">The version the file was compiled against.</param>
/// <param name="HostVersion">The version the host has loaded.</param>
public sealed record SharedAssemblyMismatch(string ReferencingFile, string SharedAssembly, Version ReferencedVersion, Version HostVersion);
