using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Core;

/// <summary>Returned by <c>AddDiffusion</c>; adds plugin folders and node types to the host's one node-type registry.</summary>
public interface IDiffusionBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// Loads plugins from a folder now (plugins add services, so this runs before the provider is built). A refused
    /// plugin does not throw: it is kept in <see cref="PluginInventory"/> and logged through the app's logger when the
    /// host starts.
    /// </summary>
    IDiffusionBuilder AddPluginFolder(string path);

    /// <summary>Registers a node type of the app itself (plugin id <c>app</c>); its name must be unique.</summary>
    IDiffusionBuilder AddNodeType<TNodeType>() where TNodeType : class, INodeType, new();

    /// <summary>Registers a node type instance of the app itself (plugin id <c>app</c>); its name must be unique.</summary>
    IDiffusionBuilder AddNodeType(INodeType nodeType);
}
