using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Sdk;
using Diffusion.Text;
using TorchSharp;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>model.diffusers</c>.</summary>
public sealed record DiffusersModelOptions
{
    [Param("A diffusers Stable Diffusion pipeline folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/; safetensors, fp32 or fp16), relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Model { get; init; } = "";

    [Param("Image height in pixels, a multiple of the VAE's factor (0: unet sample_size x factor, as diffusers).", Min = 0, Max = 8192)]
    public int Height { get; init; }

    [Param("Image width in pixels (0: unet sample_size x factor).", Min = 0, Max = 8192)]
    public int Width { get; init; }

    [Param("Text encoder layers to skip at the end (diffusers' clip_skip).", Min = 0, Max = 64)]
    public int ClipSkip { get; init; }

    [Param("Arguments diffusers passes to the scheduler's step(), e.g. {\"eta\": 0.5} for DDIM.")]
    public JsonObject? StepKwargs { get; init; }
}

/// <summary>
/// The <c>model.diffusers</c> node: a whole diffusers Stable Diffusion folder from one param — UNet, VAE, CLIP text
/// encoder with its tokenizer, and the scheduler + sampler its scheduler/scheduler_config.json maps to (link your own
/// scheduler and sampler to override them). The parts are checked against each other before any weights load: the
/// text encoder's width against the UNet's cross_attention_dim, the VAE's latent channels against the UNet's input.
/// </summary>
public sealed class DiffusersModelNode : NodeType<DiffusersModelOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "model.diffusers";

    /// <summary>Pipeline classes whose folders this node loads.</summary>
    public static readonly string[] PipelineClasses = ["StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline"];

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description =>
        "A diffusers Stable Diffusion 1.x/2.x folder on TorchSharp: denoiser, encoder, conditioner, and the scheduler + sampler of its scheduler config.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
        [new("attention", PortType.AttentionBackend, "Computes the networks' attention (dense where it declines).", Optional: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("denoiser", PortType.Denoiser, "unet/."),
        new("encoder", PortType.Encoder, "vae/."),
        new("conditioner", PortType.Conditioner, "text_encoder/ + tokenizer/."),
        new("scheduler", PortType.Scheduler, "From scheduler/scheduler_config.json."),
        new("sampler", PortType.Sampler, "From scheduler/scheduler_config.json."),
    ];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) =>
        LdmValidation.Fingerprint(context, "unet", "vae", "text_encoder", "tokenizer", "scheduler");

    /// <inheritdoc />
    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DiffusersModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = context.ResolveInputPath(options.Model);
        var index = DiffusersPipelineIndex.Read(root);
        index.RequirePipelineClass(TypeName, PipelineClasses);
        var unetFolder = index.RequireComponent("unet", UNet2DConditionConfig.ClassName);
        var vaeFolder = index.RequireComponent("vae", AutoencoderKLConfig.ClassName);
        var textFolder = index.RequireComponent("text_encoder", ClipTextConfig.ArchitectureName);
        var tokenizerFolder = index.RequireComponent("tokenizer", "CLIPTokenizer", "CLIPTokenizerFast");
        index.RequireComponent("scheduler", index.ComponentClass("scheduler") ?? "a diffusers scheduler");
        var unetConfig = UNet2DConditionConfig.Load(Config(unetFolder));
        var vaeConfig = AutoencoderKLConfig.Load(Config(vaeFolder));
        var textConfig = ClipTextConfig.Load(Config(textFolder));
        CheckParts(unetFolder, unetConfig, vaeFolder, vaeConfig, textFolder, textConfig);
        var latentSize = LatentSize(options, unetConfig, vaeConfig);

        var (scheduler, sampler) = await DiffusersSchedulerComponents.CreateAsync(context, Path.Combine(root, "scheduler", "scheduler_config.json"), options.StepKwargs).ConfigureAwait(false);
        var backend = FallbackAttention.For(context.GetOptionalInput<IAttentionBackend>("attention"), context.Logger);
        var prediction = PredictionNames.Parse(ModelFolders.SchedulerPrediction(unetFolder) ?? "epsilon", $"{TypeName} '{root}'");
        var unet = ModelFolder.LoadUNet2DCondition(unetFolder, backend);
        unet.to(context.Run.Device);
        var vae = ModelFolder.LoadAutoencoderKL(vaeFolder, backend);
        vae.to(context.Run.Device);
        var text = ModelFolder.LoadClipText(textFolder, backend);
        text.to(context.Run.Device);
        var tokenizer = ClipTokenizer.FromFolder(tokenizerFolder);
        return new NodeOutputs()
            .With("denoiser", new UNet2DConditionDenoiser(unet, prediction, latentSize))
            .With("encoder", new AutoencoderKlEncoder(vae))
            .With("conditioner", new ClipTextConditioner(tokenizer, text, options.ClipSkip))
            .With("scheduler", scheduler)
            .With("sampler", sampler);
    }

    private static string Config(string folder) => Path.Combine(folder, ModelFolder.ConfigFileName);

    /// <summary>The parts must fit together: text width = cross-attention width, VAE latents = UNet input.</summary>
    internal static void CheckParts(string unetFolder, UNet2DConditionConfig unet, string vaeFolder, AutoencoderKLConfig vae, string textFolder, ClipTextConfig text)
    {
        if (unet.CrossAttentionDim.Any(d => d != text.HiddenSize))
        {
            throw new InvalidDataException(
                $"'{Config(unetFolder)}': field 'cross_attention_dim' is [{string.Join(", ", unet.CrossAttentionDim.Distinct())}] but the text encoder's '{Config(textFolder)}' field 'hidden_size' is {text.HiddenSize}; the parts come from different models.");
        }

        if (unet.InChannels != vae.LatentChannels)
        {
            throw new InvalidDataException(
                $"'{Config(unetFolder)}': field 'in_channels' is {unet.InChannels} but the VAE's '{Config(vaeFolder)}' field 'latent_channels' is {vae.LatentChannels}; the parts come from different models (or the UNet is an inpainting one, which is not supported).");
        }
    }

    private static long[]? LatentSize(DiffusersModelOptions options, UNet2DConditionConfig unet, AutoencoderKLConfig vae)
    {
        int factor = 1 << vae.Downsamplings;
        long Side(int pixels, string name) => pixels % factor == 0
            ? pixels / factor
            : throw new ArgumentException($"{TypeName}: {name} {pixels} is not a multiple of the VAE's factor {factor}; use e.g. {pixels / factor * factor}.");
        if (options.Height == 0 && options.Width == 0)
        {
            return null;
        }

        long fallback = unet.SampleSize is [int h, _] ? h : 64;
        return [options.Height > 0 ? Side(options.Height, "height") : fallback, options.Width > 0 ? Side(options.Width, "width") : options.Height > 0 ? Side(options.Height, "height") : fallback];
    }
}
