using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// The <c>train.latent_text</c> node: trains a small text-to-image latent diffusion model (KL autoencoder, then a
/// cross-attention UNet with a CLIP text encoder trained from scratch) on a captioned dataset and writes it as a
/// diffusers pipeline folder for <c>model.diffusers</c>.
/// </summary>
public sealed class LatentTextTrainNode : NodeType<LatentTextTrainOptions>
{
    /// <summary>The most blocks in ae_channels / unet_channels.</summary>
    public const int MaxBlocks = 6;

    /// <summary>The widest block in ae_channels / unet_channels.</summary>
    public const int MaxChannels = 2048;

    /// <inheritdoc />
    protected override string Name => "train.latent_text";

    /// <inheritdoc />
    protected override string Category => "training";

    /// <inheritdoc />
    protected override string Description =>
        "Trains a KL autoencoder, then a cross-attention UNet jointly with a small CLIP text encoder on a captioned dataset; writes a diffusers pipeline folder.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("data", PortType.Dataset, "Images [c, h, w] in [-1, 1] with captions (e.g. dataset.mnist_captions).")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("model", PortType.File, "The pipeline folder written."),
        new("metrics", PortType.Metrics, "ae_loss, ae_reconstruction_mse, scaling_factor, loss, loss_avg, ae_seconds, seconds, parameters."),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(LatentTextTrainOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        // Bounded so that a typo cannot ask for a network of billions of weights.
        if (options.AeChannels.Length is < 1 or > MaxBlocks || options.AeChannels.Any(c => c < 8 || c % 8 != 0 || c > MaxChannels))
        {
            yield return context.ParamIssue("ae_channels", $"ae_channels must be 1 to {MaxBlocks} multiples of 8 (the group norms use 8 groups) of at most {MaxChannels}.");
        }

        if (options.UnetChannels.Length is < 1 or > MaxBlocks || options.UnetChannels.Any(c => c < 32 || c % 32 != 0 || c > MaxChannels))
        {
            yield return context.ParamIssue("unet_channels", $"unet_channels must be 1 to {MaxBlocks} multiples of 32 (the group norms use 32 groups) of at most {MaxChannels}.");
        }

        if (options.TextWidth % 16 != 0)
        {
            yield return context.ParamIssue("text_width", "text_width must be a multiple of 16 (heads of width 16).");
        }
    }

    /// <inheritdoc />
    protected override ResourceEstimate? Estimate(LatentTextTrainOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        // As train.denoising: the batch, its noise, targets and predictions plus activations kept for backpropagation,
        // 16 copies per image as a floor; one element per image when the data declares no shape (a lower bound).
        // One network call per autoencoder step and one per denoiser step (the text encoder runs inside it).
        long perSample = ComponentTraits.SampleElements(context, "data") ?? 1;
        var batch = Math.Max(options.AeBatch, options.Batch);
        long steps = (long)options.AeSteps + options.Steps;
        return new ResourceEstimate(ResourceEstimate.Times(batch, perSample, 16), steps,
            $"batch {batch} of {perSample} elements per image, {options.AeSteps} autoencoder + {options.Steps} denoiser steps")
        {
            ElementsParam = options.AeBatch > options.Batch ? "ae_batch" : "batch",
            CallsParam = options.AeSteps > options.Steps ? "ae_steps" : "steps",
        };
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, LatentTextTrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.GetInput<IDataset>("data");
        var output = context.ResolveOutputPath(options.Output);
        var metrics = new LatentTextTrainer(options, context.Logger, context.Progress, context.CancellationToken)
            .Train(data, context.ResolveInputPath(options.Tokenizer), options.Autoencoder is { } autoencoder ? context.ResolveInputPath(autoencoder) : null, output);
        context.Logger.LogInformation("{Node}: wrote {Folder} ({Seconds:F0} s autoencoder + {UnetSeconds:F0} s denoiser).", context.NodeId, output, metrics["ae_seconds"], metrics["seconds"]);
        return Task.FromResult(new NodeOutputs().With("model", output).With("metrics", new MetricSet(context.NodeId, metrics)));
    }
}
