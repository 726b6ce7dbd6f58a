using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Contracts;

/// <summary>What a plugin may add to the host while it registers.</summary>
public interface IPluginRegistrar
{
    /// <summary>The host's service collection; plugins add with TryAdd/TryAddEnumerable so they never replace core services.</summary>
    IServiceCollection Services { get; }

    /// <summary>Registers a node type. Its name must be unique across all loaded plugins.</summary>
    void AddNodeType(INodeType nodeType);
}
