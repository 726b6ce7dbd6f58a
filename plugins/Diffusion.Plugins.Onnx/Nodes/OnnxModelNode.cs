using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Onnx;

/// <summary>Params of <c>model.onnx</c>.</summary>
public sealed record OnnxModelOptions : OnnxSessionParams
{
    [Param("Image height in pixels, a multiple of the VAE's factor (0: unet/config.json's sample_size x factor when present, else 512).", Min = 0, Max = 8192)]
    public int Height { get; init; }

    [Param("Image width in pixels (0: as height's default).", Min = 0, Max = 8192)]
    public int Width { get; init; }

    [Param("Arguments diffusers passes to the scheduler's step(), e.g. {\"eta\": 0.5} for DDIM.")]
    public JsonObject? StepKwargs { get; init; }
}

/// <summary>
/// The <c>model.onnx</c> node: a whole ONNX Stable Diffusion folder from one param — UNet, VAE, CLIP text encoder, and
/// the scheduler + sampler its scheduler/scheduler_config.json maps to (link your own scheduler and sampler to override them).
/// </summary>
public sealed class OnnxModelNode : NodeType<OnnxModelOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "model.onnx";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description =>
        "A Stable Diffusion ONNX folder (diffusers/OnnxStack layout) run by ONNX Runtime: denoiser, encoder, conditioner, and the scheduler + sampler of its scheduler config.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("denoiser", PortType.Denoiser, "unet/model.onnx."),
        new("encoder", PortType.Encoder, "vae_decoder/ (+ vae_encoder/)."),
        new("conditioner", PortType.Conditioner, "text_encoder/ + tokenizer/."),
        new("scheduler", PortType.Scheduler, "From scheduler/scheduler_config.json."),
        new("sampler", PortType.Sampler, "From scheduler/scheduler_config.json."),
    ];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) =>
        OnnxFolders.Fingerprint(context, "unet", "vae_decoder", "vae_encoder", "text_encoder", "tokenizer", "scheduler");

    /// <inheritdoc />
    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.ResolveInputPath(options.Model);
        var index = OnnxFolders.Index(model, TypeName);
        index.RequireComponent("scheduler", index.ComponentClass("scheduler") ?? "a diffusers scheduler");
        var (scheduler, sampler) = await DiffusersSchedulerComponents.CreateAsync(context, Path.Combine(model, "scheduler", "scheduler_config.json"), options.StepKwargs).ConfigureAwait(false);
        var encoder = OnnxParts.Vae(model, options.Session, 0, context.Logger, TypeName);
        var (latentHeight, latentWidth) = LatentSize(model, options, encoder.Downsampling);
        var denoiser = OnnxParts.UNet(model, options.Session, "auto", latentHeight, latentWidth, context.Logger, TypeName);
        var conditioner = OnnxParts.Clip(model, options.Session, null, context.Logger, TypeName);
        return new NodeOutputs()
            .With("denoiser", denoiser)
            .With("encoder", encoder)
            .With("conditioner", conditioner)
            .With("scheduler", scheduler)
            .With("sampler", sampler);
    }

    private static (int Height, int Width) LatentSize(string model, OnnxModelOptions options, int factor)
    {
        int Side(int pixels, string name)
        {
            if (pixels == 0)
            {
                return 0;
            }

            return pixels % factor == 0
                ? pixels / factor
                : throw new ArgumentException($"{TypeName}: {name} {pixels} is not a multiple of the VAE's factor {factor}; use e.g. {pixels / factor * factor}.");
        }

        int height = Side(options.Height, "height"), width = Side(options.Width, "width");
        if (height == 0 && width == 0 && !File.Exists(Path.Combine(model, "unet", Diffusion.Nn.ModelFolder.ConfigFileName)))
        {
            // diffusers' OnnxStableDiffusionPipeline draws 512 x 512 by default.
            height = width = 512 / factor;
        }

        return (height, width == 0 ? height : width);
    }
}
