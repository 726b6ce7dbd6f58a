using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.GanHybrid;

/// <summary><c>denoiser.ddgan</c>: a fresh or loaded <see cref="DdganGenerator"/> on the run's device.</summary>
public sealed class DdganGeneratorNode : NodeType<DdganGeneratorOptions>
{
    /// <inheritdoc />
    protected override string Name => DdganGenerator.NodeTypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description => "A Denoising Diffusion GAN generator G(x_t, t, z) predicting x_0 (MLP for points, small AdaGN UNet for images); trainable with train.ddgan, or loaded from a checkpoint. It draws z from the run's generator.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The generator (an ITrainableDenoiser predicting sample).")];

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
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(DdganGeneratorOptions options, NodeValidationContext context)
    {
        // A generator always predicts x_0; its sample shape is known from params only when no checkpoint decides it.
        var traits = new HashSet<string>(ComponentTraits.OfPrediction(PredictionType.Sample), StringComparer.Ordinal);
        if (options.Checkpoint is null && options.SampleShape.Length > 0 && options.SampleShape.All(v => v > 0))
        {
            traits.Add(ComponentTraits.OfSampleShape([.. options.SampleShape.Select(v => (long)v)]));
        }

        return new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = traits };
    }

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(DdganGeneratorOptions options, NodeValidationContext context)
    {
        if (options.Checkpoint is not null)
        {
            yield break;
        }

        if (options.SampleShape.Length is not (1 or 3) || options.SampleShape.Any(v => v is <= 0 or > DdganGenerator.MaxMetadataDimension)
            || (options.SampleShape.Length == 3 && (options.SampleShape[1] < DdganGenerator.MinImageSize || options.SampleShape[2] < DdganGenerator.MinImageSize)))
        {
            yield return context.ParamIssue("sample_shape", $"sample_shape must be [d] for points or [channels, size, size] with sizes of at least {DdganGenerator.MinImageSize} for images, each at most {DdganGenerator.MaxMetadataDimension}, got [{string.Join(", ", options.SampleShape)}].");
        }

        if (options.ChannelMult.Length != 3 || options.ChannelMult.Any(v => v is <= 0 or > DdganGenerator.MaxMetadataDimension))
        {
            yield return context.ParamIssue("channel_mult", $"channel_mult needs 3 multipliers in [1, {DdganGenerator.MaxMetadataDimension}] (sizes S, S/2, S/4), got [{string.Join(", ", options.ChannelMult)}].");
        }

        if (options.EmbeddingDim % 2 != 0)
        {
            yield return context.ParamIssue("embedding_dim", $"embedding_dim must be even, got {options.EmbeddingDim}.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DdganGeneratorOptions options)
    {
        if (options.Checkpoint is null)
        {
            return Task.FromResult(NodeOutputs.Of("denoiser", DdganGenerator.Create(options, context.Run.Device)));
        }

        var path = context.ResolveInputPath(options.Checkpoint);
        var generator = DdganGenerator.Load(path, context.Run.Device);
        context.Logger.LogInformation("Loaded {NodeType} from {Path}: sample shape [{Shape}], latent {Latent}.", Name, path, string.Join(", ", generator.Options.SampleShape), generator.LatentDim);
        return Task.FromResult(NodeOutputs.Of("denoiser", generator));
    }
}
