using Diffusion.Contracts;

namespace Diffusion.Plugins.Onnx;

/// <summary>Params of <c>conditioner.onnx_clip</c>.</summary>
public sealed record OnnxClipConditionerOptions : OnnxSessionParams
{
    [Param("The CLIP tokenizer folder (vocab.json, merges.txt); empty: the model folder's tokenizer/.", Path = PathKind.InputFolder)]
    public string Tokenizer { get; init; } = "";
}

/// <summary>The <c>conditioner.onnx_clip</c> node: the CLIP text encoder of an ONNX folder with its tokenizer.</summary>
public sealed class OnnxClipConditionerNode : NodeType<OnnxClipConditionerOptions>
{
    /// <summary>The node type's name.</summary>
    public const string TypeName = "conditioner.onnx_clip";

    /// <inheritdoc />
    protected override string Name => TypeName;

    /// <inheritdoc />
    protected override string Category => "conditioning";

    /// <inheritdoc />
    protected override string Description => "CLIP text conditioning from an ONNX folder (text_encoder/model.onnx + tokenizer/): prompts to encoder hidden states; the unconditional branch is the empty or negative prompt.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("conditioner", PortType.Conditioner, "The text conditioner.")];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context) => OnnxFolders.Fingerprint(context, "text_encoder", "tokenizer");

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, OnnxClipConditionerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokenizer = string.IsNullOrWhiteSpace(options.Tokenizer) ? null : context.ResolveInputPath(options.Tokenizer);
        var conditioner = OnnxParts.Clip(context.ResolveInputPath(options.Model), options.Session, tokenizer, context.Logger, TypeName);
        return Task.FromResult(NodeOutputs.Of("conditioner", conditioner));
    }
}
