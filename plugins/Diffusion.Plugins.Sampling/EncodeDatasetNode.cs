using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>dataset.encode</c> node: a dataset in an encoder's latent space (<see cref="EncodedDataset"/>), so any trainer
/// that takes a dataset (train.denoising, train.ddgan, train.distill) trains a latent model without knowing the encoder.
/// </summary>
public sealed class EncodeDatasetNode : NodeType<EncodeDatasetOptions>
{
    /// <inheritdoc />
    protected override string Name => "dataset.encode";

    /// <inheritdoc />
    protected override string Category => "latents";

    /// <inheritdoc />
    protected override string Description => "Serves a dataset's batches encoded into an encoder's scaled latents (on the fly, labels and captions kept), for training in latent space.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } =
    [
        new("data", PortType.Dataset, "The data, images in [-1, 1] as the encoder expects."),
        new("encoder", PortType.Encoder, "The encoder (a VAE)."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } = [new("data", PortType.Dataset, "The same data in latent space; its sample shape is the encoder's latent shape.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, EncodeDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.GetInput<IDataset>("data");
        var encoder = context.GetInput<IEncoder>("encoder");
        if (data.Info.SampleShape.Count != 3)
        {
            throw new InvalidInputException($"dataset.encode '{context.NodeId}': dataset '{data.Info.Name}' has items of shape [{string.Join(", ", data.Info.SampleShape)}]; an encoder takes images [channels, height, width]. Link an image dataset.");
        }

        return Task.FromResult(NodeOutputs.Of("data", new EncodedDataset(data, encoder, context.Run.Device, options.Sample)));
    }
}
