using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of <c>test.fail</c>.</summary>
public sealed record FailOptions
{
    [Param("What the exception says.")]
    public string Message { get; init; } = "boom";
}

/// <summary><c>test.fail</c>: throws an <see cref="InvalidOperationException"/> with its <c>message</c> param.</summary>
public sealed class FailNode : NodeType<FailOptions>
{
    protected override string Name => "test.fail";

    protected override string Description => "Always throws.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", TestPorts.Number, Optional: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, FailOptions options) =>
        throw new InvalidOperationException(options.Message);
}

/// <summary><c>test.forgetful</c>: declares output <c>value</c> but produces nothing (a plugin bug the executor must name).</summary>
public sealed class ForgetfulNode : NodeType<NoOptions>
{
    protected override string Name => "test.forgetful";

    protected override string Description => "Forgets its output.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options) => Task.FromResult(NodeOutputs.None);
}
