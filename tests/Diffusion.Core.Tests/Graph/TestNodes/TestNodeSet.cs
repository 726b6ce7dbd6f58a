using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>
/// A fresh set of test node types (stateful ones exposed for assertions) registered into a new
/// <see cref="NodeTypeRegistry"/>, plus helpers to read, validate and run pipeline text against it.
/// </summary>
public sealed class TestNodeSet
{
    public TestNodeSet()
    {
        foreach (var type in All)
        {
            Registry.TryAdd(type, "tests", out _).Should().BeTrue();
        }
    }

    public CounterNode Counter { get; } = new();

    public GateNode Gate { get; } = new();

    public SlowNode Slow { get; } = new();

    public WriteFileNode WriteFile { get; } = new();

    public NodeTypeRegistry Registry { get; } = new();

    public IEnumerable<INodeType> All =>
    [
        new ConstNode(), new IntNode(), new TextNode(), new SinkNode(), new AddNode(), new SumNode(), new PassNode(),
        new FailNode(), new ForgetfulNode(), new ConfiguredNode(), Counter, Gate, Slow, WriteFile,
        new ReadFileNode(), new ReadFolderNode(), new WriteAnywhereNode(), new ThrowNode(),
    ];

    public PipelineValidator Validator => new(Registry);

    /// <summary>Reads text that must be free of shape problems.</summary>
    public static PipelineDefinition Read(string json)
    {
        var read = PipelineReader.Read(json);
        read.Issues.Should().BeEmpty();
        return read.Pipeline!;
    }

    /// <summary>Reads and validates text; returns every issue from both steps, with positions.</summary>
    public ValidationResult Validate(string json)
    {
        var read = PipelineReader.Read(json);
        read.Issues.Should().BeEmpty("the reader should accept the document's shape");
        return Validator.Validate(read.Pipeline!, read.Positions);
    }

    /// <summary>Reads and validates text that must be valid.</summary>
    public ValidatedPipeline Valid(string json)
    {
        var result = Validate(json);
        result.Issues.Should().BeEmpty();
        result.IsValid.Should().BeTrue();
        return result.Pipeline!;
    }

    /// <summary>An executor with an empty service provider and the given cache.</summary>
    public static PipelineExecutor Executor(NodeOutputCache? cache = null) =>
        new(new ServiceCollection().BuildServiceProvider(), cache ?? new NodeOutputCache(1L << 30), null, "cpu");
}
