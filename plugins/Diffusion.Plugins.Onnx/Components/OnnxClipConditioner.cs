using Diffusion.Contracts;
using Diffusion.Onnx;
using Diffusion.Text;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Onnx;

/// <summary>
/// CLIP text conditioning over an ONNX text encoder (<c>input_ids</c> → <c>last_hidden_state</c>, and
/// <c>pooler_output</c> when the graph has it), with the CLIP tokenizer of the model folder: prompts become
/// <see cref="Conditioning.EncoderHiddenStates"/> for the UNet's cross-attention (Rombach et al. 2022, §3.3), the
/// empty or negative prompt the unconditional branch of classifier-free guidance. Graphs exported for one prompt at a
/// time (fixed batch 1) are run prompt by prompt. Immutable.
/// </summary>
public sealed class OnnxClipConditioner : IConditioner
{
    /// <summary>The graph's names.</summary>
    public const string IdsInput = "input_ids", HiddenOutput = "last_hidden_state", PooledOutput = "pooler_output";

    private readonly ClipTokenizer tokenizer;
    private readonly OnnxModel model;
    private readonly bool perPrompt;
    private readonly bool pooled;

    /// <summary>Wraps the text encoder graph (taking ownership) with its tokenizer.</summary>
    /// <exception cref="InvalidDataException">The graph is not a CLIP text encoder or its length differs from the tokenizer's.</exception>
    public OnnxClipConditioner(ClipTokenizer tokenizer, OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(model);
        var ids = model.Input(IdsInput);
        model.Output(HiddenOutput);
        if (ids.Dimensions.Count != 2)
        {
            throw new InvalidDataException($"ONNX text encoder '{model.Path}': input '{IdsInput}' is {ids.DescribeShape()}; expected [batch, tokens].");
        }

        if (ids.Dimensions[1] is long length && length != tokenizer.MaxLength)
        {
            throw new InvalidDataException(
                $"ONNX text encoder '{model.Path}' takes {length} tokens but the tokenizer in '{tokenizer.Source}' pads to {tokenizer.MaxLength} (tokenizer_config.json, field 'model_max_length'); they do not belong together.");
        }

        this.tokenizer = tokenizer;
        this.model = model;
        perPrompt = ids.Dimensions[0] == 1;
        pooled = model.Outputs.ContainsKey(PooledOutput);
    }

    /// <summary>The session.</summary>
    public OnnxModel Model => model;

    /// <inheritdoc />
    public Conditioning Encode(ConditionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return EncodePrompts(PromptBatches.Of(input.Prompts, "conditioner.onnx_clip"));
    }

    /// <inheritdoc />
    public Conditioning Unconditional(int batch, ConditionInput? negative = null) =>
        EncodePrompts(PromptBatches.Unconditional(batch, negative?.Prompts, "conditioner.onnx_clip"));

    private Conditioning EncodePrompts(IReadOnlyList<string> prompts)
    {
        using var scope = NewDisposeScope();
        var ids = tokenizer.EncodeBatch(prompts);
        string[] outputs = pooled ? [HiddenOutput, PooledOutput] : [HiddenOutput];
        var parts = perPrompt
            ? Enumerable.Range(0, prompts.Count).Select(i => model.Run([new(IdsInput, ids.narrow(0, i, 1))], outputs)).ToList()
            : [model.Run([new(IdsInput, ids)], outputs)];
        Tensor Join(string name) => (parts.Count == 1 ? parts[0][name] : cat(parts.Select(p => p[name]).ToArray(), 0)).to(ScalarType.Float32);
        return new Conditioning
        {
            EncoderHiddenStates = Join(HiddenOutput).MoveToOuterDisposeScope(),
            PooledEmbeddings = pooled ? Join(PooledOutput).MoveToOuterDisposeScope() : null,
        };
    }
}
