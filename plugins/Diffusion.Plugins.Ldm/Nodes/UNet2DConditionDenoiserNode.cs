using Diffusion.Contracts;
using Diffusion.Nn;
using TorchSharp;

namespace Diffusion.Plugins.Ldm;

/// <summary>The <c>denoiser.unet2d_condition</c> node: Stable Diffusion's text-conditioned UNet from a diffusers folder.</summary>
public sealed class UNet2DConditionDenoiserNode : NodeType<UNet2DConditionDenoiserOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "denoiser.unet2d_condition";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description =>
        "Stable Diffusion's text-conditioned UNet (diffusers UNet2DConditionModel, SD 1.x/2.x) from a model folder; conditioned on encoder hidden states.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
        [new("attention", PortType.AttentionBackend, "Computes the UNet's attention (dense where it declines).", Optional: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The UNet.")];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(UNet2DConditionDenoiserOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);

        // An explicit prediction lets the validator check it against the sampler (ADR 0007); with auto the folder's
        // scheduler config decides when the network is loaded, and the sampler checks it then.
        PredictionType? prediction = options.Prediction switch
        {
            "epsilon" => PredictionType.Epsilon,
            "v_prediction" => PredictionType.VPrediction,
            "sample" => PredictionType.Sample,
            _ => null,
        };
        return prediction is { } known
            ? new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = ComponentTraits.OfPrediction(known) }
            : new Dictionary<string, IReadOnlySet<string>>();
    }

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) => LdmValidation.Fingerprint(context, "unet");

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, UNet2DConditionDenoiserOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = ModelFolders.Component(context.ResolveInputPath(options.Model), "unet", TypeName);
        var backend = FallbackAttention.For(context.GetOptionalInput<IAttentionBackend>("attention"), context.Logger);
        var prediction = options.Prediction == "auto"
            ? ModelFolders.SchedulerPrediction(folder) ?? "epsilon"
            : options.Prediction;
        var model = ModelFolder.LoadUNet2DCondition(folder, backend);
        model.to(context.Run.Device);
        return Task.FromResult(NodeOutputs.Of("denoiser", new UNet2DConditionDenoiser(model, PredictionNames.Parse(prediction, $"{TypeName} '{folder}'"))));
    }
}
