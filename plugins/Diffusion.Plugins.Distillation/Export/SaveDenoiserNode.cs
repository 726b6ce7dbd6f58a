using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Torch;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// <c>output.denoiser</c>: writes a trained denoiser's weights only (no optimizer or teacher), as the denoiser file its
/// own node loads: tensors under their state-dict keys, its Config as metadata with <c>format</c> =
/// <c>diffusion.denoiser</c>. A consistency model is written as its network plus <c>consistency_sigma_min</c> and
/// <c>consistency_sigma_data</c>. This is how the small few-step models under pipelines/models were exported.
/// </summary>
public sealed class SaveDenoiserNode : NodeType<SaveDenoiserOptions>
{
    /// <inheritdoc />
    protected override string Name => "output.denoiser";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Writes a trained denoiser's weights and config as a denoiser file (safetensors) that its own node loads.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("denoiser", PortType.Denoiser, "A trainable denoiser, or a consistency model over one.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File, "The path written.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, SaveDenoiserOptions options)
    {
        var denoiser = context.GetInput<IDenoiser>("denoiser");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (denoiser is ConsistencyDenoiser consistency)
        {
            metadata["consistency_sigma_min"] = consistency.SigmaMin.ToString("R", CultureInfo.InvariantCulture);
            metadata["consistency_sigma_data"] = consistency.SigmaData.ToString("R", CultureInfo.InvariantCulture);
            denoiser = consistency.Network;
        }

        if (denoiser is not ITrainableDenoiser trainable)
        {
            throw new InvalidInputException($"output.denoiser '{context.NodeId}': a {denoiser.GetType().Name} has no weights to write; link a trainable denoiser.");
        }

        foreach (var (key, value) in trainable.Config)
        {
            metadata[key] = value;
        }

        metadata["format"] = "diffusion.denoiser";
        var path = context.ResolveOutputPath(options.Path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        SafeTensors.Save(path, trainable.Network.state_dict(), metadata);
        context.Logger.LogInformation("{Node}: wrote {Path} ({Bytes} bytes).", context.NodeId, path, new FileInfo(path).Length);
        return Task.FromResult(NodeOutputs.Of("file", path));
    }
}
