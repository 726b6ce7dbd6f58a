using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Samples.HelloPlugin;

/// <summary><c>transform.scale</c>: <c>output = input * factor</c>, for a tensor of any shape.</summary>
public sealed class ScaleNodeType : NodeType<ScaleOptions>
{
    /// <inheritdoc />
    protected override string Name => "transform.scale";

    /// <inheritdoc />
    protected override string Category => "transform";

    /// <inheritdoc />
    protected override string Description => "Multiplies a tensor by a constant factor.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("input", PortType.Tensor, "The tensor to scale.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("output", PortType.Tensor, "input * factor, same shape and dtype.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ScaleOptions options, NodeValidationContext context)
    {
        if (!double.IsFinite(options.Factor))
        {
            yield return context.ParamIssue("factor", $"factor must be a finite number, got {options.Factor}.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ScaleOptions options)
    {
        var input = context.GetInput<Tensor>("input");
        return Task.FromResult(NodeOutputs.Of("output", input.mul(options.Factor)));
    }
}
