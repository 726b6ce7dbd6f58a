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
        var pattern = backend switch
        {
            IAttentionPattern drawable => drawable.PatternFor(options.Tokens, NullIfZero(options.Height), NullIfZero(options.Width), options.Causal),
            _ when backend.Capabilities.Exact => Full(options.Tokens, options.Causal),
            _ => throw new ArgumentException($"attention.pattern '{context.NodeId}': backend '{backend.Name}' does not expose its pattern (it is not from the SparseAttention plugin)."),
        };
        using var scope = NewDisposeScope();

        // RGB in [−1, 1]: attended (0.10, 0.25, 0.55) dark blue, not attended white.
        var attended = tensor(new[] { -0.8f, -0.5f, 0.1f }).view(3, 1, 1);
        var image = where(pattern.unsqueeze(0), attended, ones(3, 1, 1)).unsqueeze(0);
        double density = pattern.to_type(ScalarType.Float64).mean().item<double>();
        var metrics = new MetricSet(options.Label ?? backend.Name, new Dictionary<string, double> { ["tokens"] = options.Tokens, ["density"] = density });
        return Task.FromResult(new NodeOutputs().With("image", image.MoveToOuterDisposeScope()).With("metrics", metrics));
    }

    private static int? NullIfZero(int value) => value > 0 ? value : null;

    private static Tensor Full(long tokens, bool causal)
    {
        var all = ones(tokens, tokens, ScalarType.Bool);
        return causal ? all.tril() : all;
    }
}
