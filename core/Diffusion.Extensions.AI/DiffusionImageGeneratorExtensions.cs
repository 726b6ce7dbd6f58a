using System.Diagnostics.CodeAnalysis;
using Diffusion.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

// The Microsoft.Extensions convention: AddX extensions live in this namespace so they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="DiffusionImageGenerator"/> as the app's <see cref="IImageGenerator"/>.</summary>
public static class DiffusionImageGeneratorExtensions
{
    /// <summary>
    /// Adds an <see cref="IImageGenerator"/> that runs the configured pipeline through the engine that
    /// <c>AddDiffusion()</c> added (call that too, with the plugin folders the pipeline needs).
    /// </summary>
    [Experimental("MEAI001")]
    public static IServiceCollection AddDiffusionImageGenerator(this IServiceCollection services, Action<DiffusionImageGeneratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<DiffusionImageGeneratorOptions>().Configure(configure);
        services.TryAddSingleton<IImageGenerator, DiffusionImageGenerator>();
        return services;
    }
}
