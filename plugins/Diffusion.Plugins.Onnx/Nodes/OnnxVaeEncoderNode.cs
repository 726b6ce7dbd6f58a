using Diffusion.Contracts;

namespace Diffusion.Plugins.Onnx;

/// <summary>Params of <c>encoder.onnx_vae</c>.</summary>
public sealed record OnnxVaeEncoderOptions : OnnxSessionParams
{
    [Param("Latent scaling factor (0: vae_decoder/config.json's scaling_factor when present, else 0.18215 as SD 1.x/2.x).", Min = 0)]
    public double ScalingFactor { get; init; }
}

/// <summary>The <c>encoder.onnx_vae</c> node: Stable Diffusion's VAE exported to ONNX (vae_decoder/, optional vae_encoder/).</summary>
public sealed class OnnxVaeEncoderNode : NodeType<OnnxVaeEncoderOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "encoder.onnx_vae";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description => "Stable Diffusion's VAE exported to ONNX: scaled latents to images (vae_decoder) and images to latents (vae_encoder, for image-to-image).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("encoder", PortType.Encoder, "The autoencoder.")];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) => OnnxFolders.Fingerprint(context, "vae_decoder", "vae_encoder");

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, OnnxVaeEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var encoder = OnnxParts.Vae(context.ResolveInputPath(options.Model), options.Session, options.ScalingFactor, context.Logger, TypeName);
        return Task.FromResult(NodeOutputs.Of("encoder", encoder));
    }
}
