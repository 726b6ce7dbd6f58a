using Diffusion.Contracts;

namespace Diffusion.Plugins.Mnist;

/// <summary>Params of <c>dataset.mnist</c>.</summary>
public sealed record MnistDatasetOptions
{
    [Param("Folder holding the IDX files (gzip or raw), relative to the pipeline file; the repository ships them in data/mnist.", Path = PathKind.InputFolder)]
    public string Path { get; init; } = "../data/mnist";

    [Param("train (60,000 images) or test (10,000).", Choices = ["train", "test"])]
    public string Split { get; init; } = "train";

    [Param("Image side: 28, or larger to pad with background (32 for UNets that need a power of two).", Min = 28, Max = 64)]
    public int Pad { get; init; } = 28;
}

/// <summary>The <c>dataset.mnist</c> node: MNIST images in [-1, 1] [1, S, S] with labels 0..9.</summary>
public sealed class MnistDatasetNode : NodeType<MnistDatasetOptions>
{
    /// <inheritdoc />
    protected override string Name => "dataset.mnist";

    /// <inheritdoc />
    protected override string Category => "data";

    /// <inheritdoc />
    protected override string Description => "MNIST digits from IDX files, scaled to [-1, 1], optionally padded, with labels 0..9.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("dataset", PortType.Dataset, "The images and labels.")];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = System.IO.Path.GetFullPath(context.Params["path"]?.GetValue<string>() ?? "", context.BaseDirectory);
        return Directory.Exists(folder)
            ? string.Join(";", Directory.EnumerateFiles(folder, "*idx*").Order(StringComparer.Ordinal).Select(f => $"{f}:{new FileInfo(f).Length}"))
            : null;
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, MnistDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var split = options.Split == "test" ? MnistSplit.Test : MnistSplit.Train;
        var data = MnistData.Load(context.ResolveInputPath(options.Path), split);
        return Task.FromResult(NodeOutputs.Of("dataset", new MnistDataset(data, options.Pad)));
    }
}
