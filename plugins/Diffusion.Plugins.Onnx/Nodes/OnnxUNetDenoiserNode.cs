using Diffusion.Contracts;

namespace Diffusion.Plugins.Onnx;

/// <summary>Params of <c>denoiser.onnx_unet</c>.</summary>
public sealed record OnnxUNetDenoiserOptions : OnnxSessionParams
{
    [Param("What the UNet predicts; auto reads prediction_type from the folder's scheduler/scheduler_config.json, else epsilon.",
        Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string Prediction { get; init; } = "auto";

    [Param("Latent rows the sample node draws (0: unet/config.json's sample_size when the folder has one, else 64 = 512 px for SD 1.x).", Min = 0, Max = 1024)]
    public int LatentHeight { get; init; }

    [Param("Latent columns (0: as latent_height's default).", Min = 0, Max = 1024)]
    public int LatentWidth { get; init; }
}

/// <summary>The <c>denoiser.onnx_unet</c> node: a Stable Diffusion UNet exported to ONNX, run by ONNX Runtime.</summary>
public sealed class OnnxUNetDenoiserNode : NodeType<OnnxUNetDenoiserOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "denoiser.onnx_unet";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description => "A Stable Diffusion UNet exported to ONNX (unet/model.onnx of an ONNX folder), run by ONNX Runtime on the CPU or CUDA.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The UNet.")];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(OnnxUNetDenoiserOptions options, NodeValidationContext context)
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
    public override string? Fingerprint(NodeValidationContext context) => OnnxFolders.Fingerprint(context, "unet", "scheduler");

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, OnnxUNetDenoiserOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var denoiser = OnnxParts.UNet(context.ResolveInputPath(options.Model), options.Session, options.Prediction, options.LatentHeight, options.LatentWidth, context.Logger, TypeName);
        return Task.FromResult(NodeOutputs.Of("denoiser", denoiser));
    }
}
