using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>The <c>conditioner.class_labels</c> node: an <see cref="IConditioner"/> for class-conditional denoisers.</summary>
public sealed class ClassLabelConditionerNode : NodeType<ClassLabelConditionerOptions>
{
    /// <inheritdoc />
    protected override string Name => "conditioner.class_labels";

    /// <inheritdoc />
    protected override string Category => "conditioning";

    /// <inheritdoc />
    protected override string Description => "Class labels as conditioning, with the null label as the unconditional branch (for the condition node).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } = [new("conditioner", PortType.Conditioner, "The conditioner.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ClassLabelConditionerOptions options) =>
        Task.FromResult(NodeOutputs.Of("conditioner", new ClassLabelConditioner(options.Classes, options.NullLabel < 0 ? options.Classes : options.NullLabel)));
}
