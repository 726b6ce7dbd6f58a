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
        if (options.AeChannels.Length < 1 || options.AeChannels.Any(c => c < 8 || c % 8 != 0))
        {
            yield return context.ParamIssue("ae_channels", "ae_channels must be one or more multiples of 8 (the group norms use 8 groups).");
        }

        if (options.UnetChannels.Length < 1 || options.UnetChannels.Any(c => c < 32 || c % 32 != 0))
        {
            yield return context.ParamIssue("unet_channels", "unet_channels must be one or more multiples of 32 (the group norms use 32 groups).");
        }

        if (options.TextWidth % 16 != 0)
        {
            yield return context.ParamIssue("text_width", "text_width must be a multiple of 16 (heads of width 16).");
        }

        if (!Directory.Exists(Path.GetFullPath(options.Tokenizer, context.BaseDirectory)))
        {
            yield return context.ParamIssue("tokenizer", $"Tokenizer folder '{Path.GetFullPath(options.Tokenizer, context.BaseDirectory)}' does not exist.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, LatentTextTrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.GetInput<IDataset>("data");
        var output = context.ResolveOutputPath(options.Output);
        var metrics = new LatentTextTrainer(options, context.Logger, context.Progress, context.CancellationToken)
            .Train(data, context.ResolveInputPath(options.Tokenizer), output);
        context.Logger.LogInformation("{Node}: wrote {Folder} ({Seconds:F0} s autoencoder + {UnetSeconds:F0} s denoiser).", context.NodeId, output, metrics["ae_seconds"], metrics["seconds"]);
        return Task.FromResult(new NodeOutputs().With("model", output).With("metrics", new MetricSet(context.NodeId, metrics)));
    }
}
