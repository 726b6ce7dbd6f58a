using System.Globalization;
using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of <c>test.write_file</c>.</summary>
public sealed record WriteFileOptions
{
    [Param("Output file.", Required = true, Path = PathKind.OutputFile)]
    public string Path { get; init; } = "";
}

/// <summary><c>test.write_file</c>: writes its input number to a file (a side effect: never cached); outputs <c>file</c>.</summary>
public sealed class WriteFileNode : NodeType<WriteFileOptions>
{
    private int executions;

    /// <summary>How many times ExecuteAsync ran on this instance.</summary>
    public int Executions => Volatile.Read(ref executions);

    protected override string Name => "test.write_file";

    protected override string Description => "Writes a number to a file.";

    protected override bool HasSideEffects => true;

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("value", TestPorts.Number)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File)];

    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, WriteFileOptions options)
    {
        Interlocked.Increment(ref executions);
        var path = context.ResolveOutputPath(options.Path);
        var value = context.GetInput<NumberValue>("value").Value;
        await File.WriteAllTextAsync(path, value.ToString(CultureInfo.InvariantCulture), context.CancellationToken);
        return NodeOutputs.Of("file", path);
    }
}
