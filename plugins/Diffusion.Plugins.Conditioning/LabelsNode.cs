using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>
/// The <c>condition.labels</c> node: class labels as a <see cref="Contracts.Conditioning"/> for the <c>sample</c>
/// node, its unconditional (null-label) counterpart for classifier-free guidance, and the labels as a tensor (for
/// grids and evaluation).
/// </summary>
public sealed class LabelsNode : NodeType<LabelsOptions>
{
    /// <inheritdoc />
    protected override string Name => "condition.labels";

    /// <inheritdoc />
    protected override string Category => "conditioning";

    /// <inheritdoc />
    protected override string Description =>
        "Class labels for class-conditional denoisers: conditioning, the null-label unconditional branch, and the labels tensor.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("conditioning", PortType.Conditioning, "ClassLabels [N] int64."),
        new("unconditional", PortType.Conditioning, "The null label repeated N times."),
        new("labels", PortType.Labels, "The labels [N] int64."),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(LabelsOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? problem = null;
        try
        {
            ClassLabels.Expand(options);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return context.ParamIssue(options.Grid.Length > 0 ? "grid" : options.Count > 0 ? "count" : "labels", problem);
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, LabelsOptions options)
    {
        var labels = ClassLabels.Expand(options);
        var values = tensor(labels.Select(l => (long)l).ToArray(), ScalarType.Int64);
        var nullLabels = full(labels.Count, (long)ClassLabels.NullLabel(options), ScalarType.Int64);
        return Task.FromResult(new NodeOutputs()
            .With("conditioning", new Contracts.Conditioning { ClassLabels = values })
            .With("unconditional", new Contracts.Conditioning { ClassLabels = nullLabels })
            .With("labels", values));
    }
}
