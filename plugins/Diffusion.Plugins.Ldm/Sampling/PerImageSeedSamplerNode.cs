using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>sampler.per_image_seeds</c>.</summary>
public sealed record PerImageSeedSamplerOptions
{
    [Param("One seed per image, in batch order (the sample node's count must equal their number, batch_size 0).", Required = true)]
    public IReadOnlyList<long> Seeds { get; init; } = [];
}

/// <summary>
/// The <c>sampler.per_image_seeds</c> node: any sampler run image by image, each from its own seed (diffusers' list of
/// generators), so a batch of N images reproduces N single-image runs.
/// </summary>
public sealed class PerImageSeedSamplerNode : NodeType<PerImageSeedSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.per_image_seeds";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description => "Wraps a sampler so each image of the batch runs from its own seed (diffusers' list of generators).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("sampler", PortType.Sampler, "The update rule to run per image.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("sampler", PortType.Sampler, "The same rule with one generator per image.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(PerImageSeedSamplerOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Seeds.Count == 0)
        {
            yield return context.ParamIssue("seeds", "Give one seed per image, e.g. [0, 1, 2, 3].");
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(PerImageSeedSamplerOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The wrapper needs what the wrapped sampler needs.
        var inner = context.LinksOf("sampler");
        return inner.Count == 1 ? new Dictionary<string, IReadOnlySet<string>> { ["sampler"] = inner[0].Traits } : new Dictionary<string, IReadOnlySet<string>>();
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, PerImageSeedSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(NodeOutputs.Of("sampler", new PerImageSeedSampler(context.GetInput<ISampler>("sampler"), options.Seeds)));
    }
}
