using System.Text.Json.Nodes;

namespace Diffusion.Contracts;

/// <summary>
/// Converts a diffusers <c>scheduler_config.json</c> (<c>_class_name</c> + fields) of the classes it knows into our
/// scheduler + sampler pair, as node specs. Plugins register implementations with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IDiffusersSchedulerMapping, T&gt;())</c>.
/// Fields the class does not have, and values the pair cannot reproduce, throw
/// <see cref="NotSupportedException"/> naming the field; unlisted fields take diffusers' defaults.
/// </summary>
public interface IDiffusersSchedulerMapping
{
    /// <summary>The diffusers class names handled, e.g. <c>DDIMScheduler</c>.</summary>
    IReadOnlyCollection<string> ClassNames { get; }

    /// <summary>The scheduler and sampler equivalent to <paramref name="config"/> of class <paramref name="className"/>.</summary>
    /// <param name="className">One of <see cref="ClassNames"/>.</param>
    /// <param name="config">The config fields (may include <c>_class_name</c> and <c>_diffusers_version</c>, which are ignored).</param>
    /// <param name="stepKwargs">Arguments diffusers passes to <c>step()</c> (e.g. <c>eta</c>), or null.</param>
    DiffusersSchedulerPair Map(string className, JsonObject config, JsonObject? stepKwargs = null);
}
