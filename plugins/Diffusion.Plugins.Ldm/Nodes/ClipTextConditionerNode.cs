using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Text;
using TorchSharp;

namespace Diffusion.Plugins.Ldm;

/// <summary>The <c>conditioner.clip_text</c> node: prompts to CLIP text embeddings for cross-attention UNets.</summary>
public sealed class ClipTextConditionerNode : NodeType<ClipTextConditionerOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "conditioner.clip_text";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "conditioning";

    /// <inheritdoc />
    protected override string Description =>
        "CLIP text conditioning (transformers CLIPTextModel + CLIP BPE tokenizer) from a model folder: prompts to encoder hidden states and pooled embeddings; " +
        "the unconditional branch is the empty or negative prompt.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
        [new("attention", PortType.AttentionBackend, "Computes the text encoder's attention (dense where it declines).", Optional: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("conditioner", PortType.Conditioner, "The text conditioner.")];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) => LdmValidation.Fingerprint(context, "text_encoder", "tokenizer");

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ClipTextConditionerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.ResolveInputPath(options.Model);
        var folder = ModelFolders.Component(model, "text_encoder", TypeName);
        var tokenizerFolder = ModelFolders.Tokenizer(
            model, folder, string.IsNullOrWhiteSpace(options.Tokenizer) ? null : context.ResolveInputPath(options.Tokenizer), TypeName);
        var tokenizer = ClipTokenizer.FromFolder(tokenizerFolder);
        var backend = FallbackAttention.For(context.GetOptionalInput<IAttentionBackend>("attention"), context.Logger);
        var network = ModelFolder.LoadClipText(folder, backend);
        network.to(context.Run.Device);
        return Task.FromResult(NodeOutputs.Of("conditioner", new ClipTextConditioner(tokenizer, network, options.ClipSkip)));
    }
}
