using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Torch.Files;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of <c>test.read_file</c>.</summary>
public sealed record ReadFileOptions
{
    [Param("A text file holding a number.", Required = true, Path = PathKind.InputFile)]
    public string Path { get; init; } = "";
}

/// <summary><c>test.read_file</c>: reads a number from a file named by a declared input path param.</summary>
public sealed class ReadFileNode : NodeType<ReadFileOptions>
{
    protected override string Name => "test.read_file";

    protected override string Description => "Reads a number from a file.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ReadFileOptions options)
    {
        var path = context.ResolveInputPath(options.Path);
        var text = SafeFile.ReadAllText(path, 1024, "Number file");
        return Task.FromResult(NodeOutputs.Of("value", new NumberValue(double.Parse(text, CultureInfo.InvariantCulture))));
    }
}

/// <summary>Params of <c>test.read_folder</c>.</summary>
public sealed record ReadFolderOptions
{
    [Param("A folder.", Path = PathKind.InputFolder)]
    public string Folder { get; init; } = "data";
}

/// <summary><c>test.read_folder</c>: outputs how many files a folder (a declared input folder param) holds.</summary>
public sealed class ReadFolderNode : NodeType<ReadFolderOptions>
{
    protected override string Name => "test.read_folder";

    protected override string Description => "Counts files in a folder.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ReadFolderOptions options) =>
        Task.FromResult(NodeOutputs.Of("value", new NumberValue(Directory.GetFiles(context.ResolveInputPath(options.Folder)).Length)));
}

/// <summary>Params of <c>test.write_anywhere</c>.</summary>
public sealed record WriteAnywhereOptions
{
    [Param("Output file (not declared as a path param).")]
    public string Target { get; init; } = "out.txt";

    [Param("Input file (not declared as a path param); empty: none.")]
    public string Source { get; init; } = "";
}

/// <summary>
/// <c>test.write_anywhere</c>: resolves paths from params that are not declared as paths, so validation cannot see them
/// and <see cref="INodeExecutionContext.ResolveOutputPath"/> / <see cref="INodeExecutionContext.ResolveInputPath"/> must
/// enforce the same rules while the node runs (a plugin that forgot to mark its params).
/// </summary>
public sealed class WriteAnywhereNode : NodeType<WriteAnywhereOptions>
{
    protected override string Name => "test.write_anywhere";

    protected override string Description => "Writes where its undeclared param says.";

    protected override bool HasSideEffects => true;

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, WriteAnywhereOptions options)
    {
        if (options.Source.Length > 0)
        {
            context.ResolveInputPath(options.Source);
        }

        var path = context.ResolveOutputPath(options.Target);
        SafeFile.WriteText(path, "written");
        return Task.FromResult(NodeOutputs.Of("file", path));
    }
}

/// <summary>Params of <c>test.throw</c>.</summary>
public sealed record ThrowOptions
{
    [Param("native | null | missing_file | corrupt | invalid_input | argument", Choices = ["native", "null", "missing_file", "corrupt", "invalid_input", "argument"])]
    public string Kind { get; init; } = "native";
}

/// <summary><c>test.throw</c>: throws exceptions of the kinds the executor must word for people.</summary>
public sealed class ThrowNode : NodeType<ThrowOptions>
{
    /// <summary>What libtorch errors look like through TorchSharp.</summary>
    public const string NativeMessage =
        "The size of tensor a (8) must match the size of tensor b (7) at non-singleton dimension 3\nException raised from infer_size_impl at /pytorch/aten/src/ATen/ExpandUtils.cpp:31 (most recent call first):\nframe #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x9c (0x7f in libc10.so)\nframe #1: <unknown function> + 0x1234 (0x7f in libtorch_cpu.so)";

    protected override string Name => "test.throw";

    protected override string Description => "Throws.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ThrowOptions options) => options.Kind switch
    {
        "native" => throw new System.Runtime.InteropServices.ExternalException(NativeMessage),
        "null" => throw new NullReferenceException(),
        "missing_file" => throw new FileNotFoundException("Weights file 'w.safetensors' does not exist.", "w.safetensors"),
        "corrupt" => throw new InvalidDataException("Invalid safetensors file 'w.safetensors': the header is not valid JSON."),
        "invalid_input" => throw new InvalidInputException("the linked images tensor holds no images"),
        _ => throw new ArgumentOutOfRangeException("batchSize", -1, "batchSize ('-1') must be a non-negative value."),
    };
}
