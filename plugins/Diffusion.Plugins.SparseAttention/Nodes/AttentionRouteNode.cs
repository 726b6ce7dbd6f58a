using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary><c>attention.route</c>: a backend per layer, chosen by layer name and token count.</summary>
public sealed class AttentionRouteNode : NodeType<AttentionRouteOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.route";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "Chooses a backend per attention layer: rules {layer glob, min_tokens, max_tokens, backend index} tried in order, first match wins, else dense. " +
        "A layer the chosen backend cannot serve falls back to dense (logged once per layer).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
        [new("backends", PortType.AttentionBackend, "The backends the rules index (0-based, in the order linked).", Optional: true, Variadic: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(AttentionRouteOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        int linked = context.LinksOf("backends").Count;
        for (int i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            string? problem = rule switch
            {
                { Backend: < 0 } => $"rule {i}: backend {rule.Backend} is negative; give the 0-based index of a linked backend.",
                { MinTokens: < 0 } or { MaxTokens: < 0 } => $"rule {i}: min_tokens and max_tokens must be 0 (no bound) or positive.",
                { MaxTokens: > 0 } when rule.MaxTokens < rule.MinTokens => $"rule {i}: max_tokens {rule.MaxTokens} is below min_tokens {rule.MinTokens}, so it never matches.",
                _ when string.IsNullOrEmpty(rule.Layer) => $"rule {i}: layer is empty; use \"*\" for every layer.",
                _ when rule.Backend >= linked =>
                    $"rule {i}: backend {rule.Backend}, but {linked} backend(s) are linked to 'backends'{(linked > 0 ? $" (indices 0..{linked - 1})" : "")}; link more backends or lower the index.",
                _ => null,
            };
            if (problem is not null)
            {
                yield return context.ParamIssue("rules", problem);
            }
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, AttentionRouteOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var backends = context.GetInputs<IAttentionBackend>("backends");
        try
        {
            return AttentionNodes.Output(new RoutedAttention(options.Rules, backends));
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"attention.route '{context.NodeId}': {e.Message} Link one backend per index the rules use, or change the rule.", e);
        }
    }
}
