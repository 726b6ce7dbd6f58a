using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Core.Plugins;

/// <summary>
/// What a plugin's <c>Register</c> writes into, instead of the host's registry and services, so that a plugin that
/// throws halfway leaves nothing behind. The services start as a copy of the host's, so that the plugin's
/// <c>TryAdd</c>/<c>TryAddEnumerable</c> calls see what the host already has; after <c>Register</c> returns, the
/// appended descriptors are committed and nothing else.
/// </summary>
internal sealed class StagingPluginRegistrar : IPluginRegistrar
{
    private readonly ServiceDescriptor[] hostSnapshot;
    private readonly IServiceCollection staged = new ServiceCollection();
    private readonly List<INodeType> nodeTypes = [];

    public StagingPluginRegistrar(IServiceCollection hostServices)
    {
        ArgumentNullException.ThrowIfNull(hostServices);
        hostSnapshot = [.. hostServices];
        foreach (var descriptor in hostSnapshot)
        {
            staged.Add(descriptor);
        }
    }

    /// <inheritdoc />
    public IServiceCollection Services => staged;

    /// <inheritdoc />
    public void AddNodeType(INodeType nodeType)
    {
        ArgumentNullException.ThrowIfNull(nodeType);
        nodeTypes.Add(nodeType);
    }

    /// <summary>The node types the plugin registered, in order.</summary>
    public IReadOnlyList<INodeType> NodeTypes => nodeTypes;

    /// <summary>
    /// The services the plugin appended; null when it removed, replaced or reordered a service the host already had
    /// (plugins may only add), with the first such service in <paramref name="changed"/>.
    /// </summary>
    public IReadOnlyList<ServiceDescriptor>? AddedServices(out ServiceDescriptor? changed)
    {
        if (staged.Count < hostSnapshot.Length)
        {
            changed = hostSnapshot.FirstOrDefault(d => !staged.Contains(d)) ?? hostSnapshot[^1];
            return null;
        }

        for (var i = 0; i < hostSnapshot.Length; i++)
        {
            if (!ReferenceEquals(staged[i], hostSnapshot[i]))
            {
                changed = hostSnapshot[i];
                return null;
            }
        }

        changed = null;
        return [.. staged.Skip(hostSnapshot.Length)];
    }
}
