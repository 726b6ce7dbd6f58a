using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Toy2d;

/// <summary><c>denoiser.mlp2d</c>: a fresh or loaded <see cref="Mlp2dDenoiser"/> on the run's device.</summary>
public sealed class Mlp2dNode : NodeType<Mlp2dOptions>
{
    /// <inheritdoc />
    protected override string Name => Mlp2dDenoiser.NodeTypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description => "An MLP denoiser for 2-D points with a sinusoidal time embedding; trainable, or loaded from a safetensors checkpoint.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The network (an ITrainableDenoiser).")];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(Mlp2dOptions options, NodeValidationContext context)
    {
        // Points are always 2-D; a checkpoint's metadata decides the prediction type, so only a fresh network's is known.
        var traits = new HashSet<string>(StringComparer.Ordinal) { ComponentTraits.OfSampleShape([2]) };
        if (string.IsNullOrEmpty(options.Checkpoint))
        {
            traits.UnionWith(ComponentTraits.OfPrediction(options.Prediction));
        }

        return new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = traits };
    }

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Params["checkpoint"]?.GetValue<string>();
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var full = Path.GetFullPath(path, context.BaseDirectory);
        return File.Exists(full) ? $"{full}|{File.GetLastWriteTimeUtc(full).Ticks}|{new FileInfo(full).Length}" : full;
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Mlp2dOptions options)
    {
        // Only null means "no checkpoint": an empty string is refused (by validation, and by ResolveInputPath below),
        // since taking it as "none" once sampled from random weights with exit 0.
        if (options.Checkpoint is null)
        {
            return Task.FromResult(NodeOutputs.Of("denoiser", Mlp2dDenoiser.Create(options, context.Run.Device)));
        }

        var path = context.ResolveInputPath(options.Checkpoint);
        var denoiser = Mlp2dDenoiser.Load(path, context.Run.Device);
        context.Logger.LogInformation("Loaded {NodeType} from {Path}: hidden {Hidden}, layers {Layers}, prediction {Prediction}.", Name, path, denoiser.Options.Hidden, denoiser.Options.Layers, denoiser.Options.Prediction);
        return Task.FromResult(NodeOutputs.Of("denoiser", denoiser));
    }
}
