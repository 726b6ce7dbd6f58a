using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// <c>attention.pattern</c>: a backend's exact (query, key) pattern as a picture, [1, 3, n, n] in [−1, 1]: row i is
/// query i, column j key j; attended pairs dark blue, the rest white. Feed it to <c>output.image_grid</c>.
/// </summary>
public sealed class AttentionPatternNode : NodeType<AttentionPatternOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.pattern";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "Draws a backend's attention pattern for n tokens as an RGB image [1, 3, n, n] (row = query, column = key; attended = dark blue, else white).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("backend", PortType.AttentionBackend, "A backend from this plugin (or attention.dense).")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("image", PortType.Images, "The pattern as one RGB image in [-1, 1]."),
        new("metrics", PortType.Metrics, "tokens and the attended fraction (density) of the pattern."),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(AttentionPatternOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if ((options.Height > 0 || options.Width > 0) && (long)options.Height * options.Width != options.Tokens)
        {
            yield return context.ParamIssue("height", $"height x width = {options.Height} x {options.Width} must equal tokens = {options.Tokens} (or leave both 0).");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, AttentionPatternOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var backend = context.GetInput<IAttentionBackend>("backend");
        using var scope = NewDisposeScope();
        var pattern = backend switch
        {
            IAttentionPattern drawable => PatternOf(drawable, options, context.NodeId),
            _ when backend.Capabilities.Exact => Full(options.Tokens, options.Causal),
            _ => throw new InvalidInputException(
                $"attention.pattern '{context.NodeId}': backend '{backend.Name}' does not expose its pattern (it is not from the SparseAttention plugin); link an attention.* backend node."),
        };

        // RGB in [−1, 1]: attended (0.10, 0.25, 0.55) dark blue, not attended white.
        var attended = tensor(new[] { -0.8f, -0.5f, 0.1f }).view(3, 1, 1);
        var image = where(pattern.unsqueeze(0), attended, ones(3, 1, 1)).unsqueeze(0);
        double density = pattern.to_type(ScalarType.Float64).mean().item<double>();
        var metrics = new MetricSet(options.Label ?? backend.Name, new Dictionary<string, double> { ["tokens"] = options.Tokens, ["density"] = density });
        return Task.FromResult(new NodeOutputs().With("image", image.MoveToOuterDisposeScope()).With("metrics", metrics));
    }

    /// <inheritdoc />
    protected override ResourceEstimate? Estimate(AttentionPatternOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The n x n pattern, the 3-channel picture and the temporary of where(): 7 elements per (query, key) pair.
        long pairs = (long)options.Tokens * options.Tokens;
        return new ResourceEstimate(ResourceEstimate.Times(pairs, 7), 0, $"tokens {options.Tokens}: {pairs} (query, key) pairs x 7 (pattern, RGB picture, temporary)")
        {
            ElementsParam = "tokens",
        };
    }

    /// <summary>The backend's pattern; a request it cannot draw (no image layout, no causal variant) is the pipeline's fault.</summary>
    private static Tensor PatternOf(IAttentionPattern drawable, AttentionPatternOptions options, string node)
    {
        try
        {
            return drawable.PatternFor(options.Tokens, NullIfZero(options.Height), NullIfZero(options.Width), options.Causal);
        }
        catch (ArgumentException e)
        {
            var reason = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            throw new InvalidInputException($"attention.pattern '{node}': {reason} Change height/width/causal to a layout this backend serves.", e);
        }
    }

    private static int? NullIfZero(int value) => value > 0 ? value : null;

    private static Tensor Full(long tokens, bool causal)
    {
        var all = ones(tokens, tokens, ScalarType.Bool);
        return causal ? all.tril() : all;
    }
}
