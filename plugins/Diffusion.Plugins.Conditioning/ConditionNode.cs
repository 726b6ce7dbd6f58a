using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>
/// The <c>condition</c> node: any <see cref="IConditioner"/> applied to prompts or labels, giving the conditioning and
/// its unconditional branch (empty prompt, null label, or the negative prompts) for classifier-free guidance.
/// </summary>
public sealed class ConditionNode : NodeType<ConditionOptions>
{
    /// <inheritdoc />
    protected override string Name => "condition";

    /// <inheritdoc />
    protected override string Category => "conditioning";

    /// <inheritdoc />
    protected override string Description =>
        "Encodes prompts or labels with a conditioner: the conditioning, its unconditional branch (or negative prompts) for guidance.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } = [new("conditioner", PortType.Conditioner, "Text encoder, label table, ...")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
    [
        new("conditioning", PortType.Conditioning, "One row per prompt or label (repeated to count)."),
        new("unconditional", PortType.Conditioning, "The unconditional branch (or the negative prompts), same rows."),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ConditionOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        int sources = (options.Prompts.Count > 0 ? 1 : 0) + (options.Labels.Count > 0 ? 1 : 0);
        if (sources != 1)
        {
            yield return context.ParamIssue(options.Prompts.Count > 0 ? "labels" : "prompts", "Give prompts or labels (exactly one of them).");
            yield break;
        }

        int rows = Math.Max(options.Prompts.Count, options.Labels.Count);
        if (options.Count > 0 && options.Count % rows != 0)
        {
            yield return context.ParamIssue("count", $"count ({options.Count}) must be a multiple of the {rows} prompts/labels given: each is repeated count/{rows} times.");
        }

        if (options.NegativePrompts.Count is var negatives && negatives > 1 && negatives != rows)
        {
            yield return context.ParamIssue("negative_prompts", $"Give one negative prompt for all, or one per prompt ({rows}); got {negatives}.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ConditionOptions options)
    {
        var conditioner = context.GetInput<IConditioner>("conditioner");
        int rows = Math.Max(options.Prompts.Count, options.Labels.Count);
        int repeat = options.Count > 0 ? options.Count / rows : 1;
        var input = new ConditionInput
        {
            Prompts = options.Prompts.Count > 0 ? Repeat(options.Prompts, repeat) : null,
            Labels = options.Labels.Count > 0 ? Repeat(options.Labels, repeat) : null,
        };
        int batch = rows * repeat;
        var negative = options.NegativePrompts.Count switch
        {
            0 => null,
            1 => new ConditionInput { Prompts = Enumerable.Repeat(options.NegativePrompts[0], batch).ToList() },
            _ => new ConditionInput { Prompts = Repeat(options.NegativePrompts, repeat) },
        };
        var conditioning = conditioner.Encode(input);
        var unconditional = conditioner.Unconditional(batch, negative);
        return Task.FromResult(new NodeOutputs().With("conditioning", conditioning).With("unconditional", unconditional));
    }

    // Each entry repeated in place (a, a, b, b), so count = rows × repeat keeps prompts together in grids.
    private static List<T> Repeat<T>(IReadOnlyList<T> items, int repeat) => items.SelectMany(item => Enumerable.Repeat(item, repeat)).ToList();
}
