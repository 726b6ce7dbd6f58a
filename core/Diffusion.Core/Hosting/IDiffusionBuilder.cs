using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Core;

/// <summary>Returned by <c>AddDiffusion</c>; features extend it (<c>AddPluginsFrom</c>).</summary>
public interface IDiffusionBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>The node types known so far.</summary>
    NodeTypeRegistry Registry { get; }

    /// <summary>Loads plugins from a folder now (plugins add services, so this runs before the provider is built).</summary>
    IDiffusionBuilder AddPluginsFrom(string path);
}
