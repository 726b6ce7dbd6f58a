using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>encode</c> node: data (images in [−1, 1]) to the diffusion space of an <see cref="IEncoder"/> (a VAE's scaled
/// latents; Rombach et al. 2022, Sec. 3.1), the posterior's mean or a seeded sample.
/// </summary>
public sealed class EncodeNode : NodeType<EncodeOptions>
{
    /// <inheritdoc />
    protected override string Name => "encode";

    /// <inheritdoc />
    protected override string Category => "latents";

    /// <inheritdoc />
    protected override string Description => "Encodes images [n, c, h, w] in [-1, 1] into an encoder's scaled latents (posterior mean, or a seeded sample).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } =
    [
        new("encoder", PortType.Encoder, "The encoder (a VAE)."),
        new("images", PortType.Tensor, "Images [n, c, h, w] in [-1, 1]."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } = [new("latents", PortType.Latents, "Scaled latents on the CPU.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, EncodeOptions options)
    {
        var encoder = context.GetInput<IEncoder>("encoder");
        var images = context.GetInput<Tensor>("images");
        var generator = options.Sample ? context.Run.CreateGenerator(options.Seed) : null;
        using var scope = NewDisposeScope();
        var latents = encoder.Encode(images.to(context.Run.Device), generator).to(CPU);
        return Task.FromResult(NodeOutputs.Of("latents", latents.MoveToOuterDisposeScope()));
    }
}
