using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of <c>test.configured</c>: one of every kind, with ranges, choices and a required one.</summary>
public sealed record ConfiguredOptions
{
    [Param("Steps.", Min = 1, Max = 100)]
    public int Steps { get; init; } = 10;

    [Param("Scale.", Min = 0, Max = 1)]
    public double Scale { get; init; } = 0.5;

    [Param("Flag.")]
    public bool Flag { get; init; }

    [Param("Mode.", Choices = ["fast", "slow"])]
    public string Mode { get; init; } = "fast";

    [Param("Name.", Required = true)]
    public string Name { get; init; } = "";

    [Param("Sizes.")]
    public IReadOnlyList<int> Sizes { get; init; } = [];

    [Param("Low.")]
    public double Low { get; init; }

    [Param("High.")]
    public double High { get; init; } = 1;
}

/// <summary><c>test.configured</c>: exercises the params schema and the node type's own validation.</summary>
public sealed class ConfiguredNode : NodeType<ConfiguredOptions>
{
    protected override string Name => "test.configured";

    protected override string Category => "testing";

    protected override string Description => "Has params of every kind.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("extra", TestPorts.Number, "Optional number.", Optional: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override IEnumerable<ValidationIssue> ValidateOptions(ConfiguredOptions options, NodeValidationContext context)
    {
        if (options.Low > options.High)
        {
            yield return context.ParamIssue("low", $"low ({options.Low}) must not exceed high ({options.High}).");
        }
    }

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ConfiguredOptions options) =>
        Task.FromResult(NodeOutputs.Of("value", new NumberValue(options.Steps * options.Scale)));
}
