using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Sampling;

/// <summary>The <c>decode</c> node: latents in an <see cref="IEncoder"/>'s diffusion space back to images in [−1, 1].</summary>
public sealed class DecodeNode : NodeType<DecodeOptions>
{
    /// <inheritdoc />
    protected override string Name => "decode";

    /// <inheritdoc />
    protected override string Category => "latents";

    /// <inheritdoc />
    protected override string Description => "Decodes an encoder's scaled latents into images [n, c, h, w] in [-1, 1], in batches.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } =
    [
        new("encoder", PortType.Encoder, "The encoder (a VAE)."),
        new("latents", PortType.Tensor, "Scaled latents [n, c, h, w] (e.g. sample.samples)."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } = [new("images", PortType.Images, "Images on the CPU, clamped to [-1, 1].")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DecodeOptions options)
    {
        var encoder = context.GetInput<IEncoder>("encoder");
        var latents = context.GetInput<Tensor>("latents");
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < latents.shape[0]; start += options.BatchSize)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                long size = Math.Min(options.BatchSize, latents.shape[0] - start);
                var images = encoder.Decode(latents.narrow(0, start, size).to(context.Run.Device)).clamp(-1, 1).to(CPU);
                parts.Add(images.MoveToOuterDisposeScope());
            }

            var all = parts.Count == 1 ? parts[0] : cat(parts, 0);
            return Task.FromResult(NodeOutputs.Of("images", all));
        }
        finally
        {
            if (parts.Count > 1)
            {
                parts.ForEach(p => p.Dispose());
            }
        }
    }
}
