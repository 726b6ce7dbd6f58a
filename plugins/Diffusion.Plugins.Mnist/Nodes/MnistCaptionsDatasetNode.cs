using Diffusion.Contracts;

namespace Diffusion.Plugins.Mnist;

/// <summary>Params of <c>dataset.mnist_captions</c>.</summary>
public sealed record MnistCaptionsDatasetOptions
{
    [Param("Folder holding the MNIST IDX files, relative to the pipeline file.", Path = PathKind.InputFolder)]
    public string Path { get; init; } = "../data/mnist";

    [Param("train or test; property bins always come from train.", Choices = ["train", "test"])]
    public string Split { get; init; } = "train";

    [Param("Probability of stating each property (thickness, size, slant) whose bin is low or high; below 1 teaches partial prompts.", Min = 0, Max = 1)]
    public double Keep { get; init; } = 0.75;
}

/// <summary>The <c>dataset.mnist_captions</c> node: MNIST with captions from the label and measured thickness, size and slant.</summary>
public sealed class MnistCaptionsDatasetNode : NodeType<MnistCaptionsDatasetOptions>
{
    /// <inheritdoc />
    protected override string Name => "dataset.mnist_captions";

    /// <inheritdoc />
    protected override string Category => "data";

    /// <inheritdoc />
    protected override string Description =>
        "MNIST 28x28 in [-1, 1] with captions such as \"a thick seven slanted to the right\": the digit as a word or numeral and its measured thickness, size and slant (per-class tertiles).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("dataset", PortType.Dataset, "Images, labels and captions.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, MnistCaptionsDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = context.ResolveInputPath(options.Path);
        var train = MnistData.Load(folder, MnistSplit.Train);
        var bins = DigitPropertyBins.FromData(train);
        var data = options.Split == "test" ? MnistData.Load(folder, MnistSplit.Test) : train;
        return Task.FromResult(NodeOutputs.Of("dataset", new MnistCaptionDataset(data, bins, options.Keep)));
    }
}
