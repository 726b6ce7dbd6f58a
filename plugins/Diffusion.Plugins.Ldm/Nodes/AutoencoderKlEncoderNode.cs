using Diffusion.Contracts;
using Diffusion.Nn;
using TorchSharp;

namespace Diffusion.Plugins.Ldm;

/// <summary>The <c>encoder.autoencoder_kl</c> node: Stable Diffusion's VAE as the map between images and latents.</summary>
public sealed class AutoencoderKlEncoderNode : NodeType<AutoencoderKlEncoderOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "encoder.autoencoder_kl";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description =>
        "Stable Diffusion's KL autoencoder (diffusers AutoencoderKL) from a model folder: images in [-1, 1] to scaled latents and back.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
        [new("attention", PortType.AttentionBackend, "Computes the mid blocks' attention (dense where it declines).", Optional: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("encoder", PortType.Encoder, "The autoencoder.")];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) => LdmValidation.Fingerprint(context, "vae");

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, AutoencoderKlEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = ModelFolders.Component(context.ResolveInputPath(options.Model), "vae", TypeName);
        var backend = FallbackAttention.For(context.GetOptionalInput<IAttentionBackend>("attention"), context.Logger);
        var model = ModelFolder.LoadAutoencoderKL(folder, backend);
        model.to(context.Run.Device);
        return Task.FromResult(NodeOutputs.Of("encoder", new AutoencoderKlEncoder(model)));
    }
}
