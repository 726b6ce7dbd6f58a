using Diffusion.Contracts;

namespace Diffusion.Core.Plugins;

/// <summary>A plugin whose node types and services were registered.</summary>
/// <param name="Manifest">Its <c>plugin.json</c>.</param>
/// <param name="Folder">The full path of its folder.</param>
/// <param name="AssemblyPath">The full path of its main assembly.</param>
/// <param name="NodeTypes">The names of the node types it registered, in registration order.</param>
public sealed record LoadedPlugin(PluginManifest Manifest, string Folder, string AssemblyPath, IReadOnlyList<string> NodeTypes);
