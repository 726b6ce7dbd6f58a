using Diffusion.Contracts;

namespace Diffusion.Plugins.Denoisers;

/// <summary>The <c>denoiser.unet2d</c> node: a fresh or pretrained diffusers UNet2DModel as a trainable denoiser.</summary>
public sealed class UNet2DDenoiserNode : NodeType<UNet2DDenoiserOptions>
{
    /// <inheritdoc />
    protected override string Name => UNet2DDenoiser.NodeTypeName;

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description =>
        "A diffusers-compatible UNet2DModel (DDPM UNet). Loads a diffusers folder or our checkpoint, or builds fresh weights from the architecture params. " +
        "Class-conditional with num_class_embeds = classes + 1 (last label = null label).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The network.")];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(UNet2DDenoiserOptions options, NodeValidationContext context)
    {
        // A pretrained folder or checkpoint decides shape and prediction itself; only a fresh network's are known here
        // (they let the sample and training nodes estimate their memory before anything runs).
        if (!string.IsNullOrWhiteSpace(options.Pretrained))
        {
            return new Dictionary<string, IReadOnlySet<string>>();
        }

        var traits = new HashSet<string>(StringComparer.Ordinal) { ComponentTraits.OfSampleShape([options.InChannels, options.SampleSize, options.SampleSize]) };
        traits.UnionWith(ComponentTraits.OfPrediction(options.Prediction));
        return new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = traits };
    }

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(UNet2DDenoiserOptions options, NodeValidationContext context)
    {
        if (!string.IsNullOrWhiteSpace(options.Pretrained))
        {
            yield break;
        }

        // Each problem points at the param it is about (the config's field names are the params' names).
        var known = Descriptor.Params.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (field, message) in UNet2DDenoiser.FreshConfig(options).Problems())
        {
            yield return context.ParamIssue(known.Contains(field) ? field : "block_out_channels", $"denoiser.unet2d '{context.NodeId}': {message}.");
        }

    }

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pretrained = context.Params["pretrained"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(pretrained))
        {
            return null;
        }

        var path = Path.GetFullPath(pretrained, context.BaseDirectory);
        var file = Directory.Exists(path) ? Path.Combine(path, "diffusion_pytorch_model.safetensors") : path;
        return File.Exists(file) ? $"{file}:{File.GetLastWriteTimeUtc(file).Ticks}:{new FileInfo(file).Length}" : null;
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, UNet2DDenoiserOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var denoiser = UNet2DDenoiser.Create(options, context.ResolveInputPath, context.Run.Device);
        return Task.FromResult(NodeOutputs.Of("denoiser", denoiser));
    }
}
