using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>Params of <c>eval.mnist</c>.</summary>
public sealed record EvalMnistOptions
{
    [Param("Classifier weights from train.mnist_classifier, relative to the pipeline file.", Path = PathKind.InputFile)]
    public string Classifier { get; init; } = "models/mnist-classifier.safetensors";

    [Param("Folder of the MNIST IDX files (the FD reference set), relative to the pipeline file.", Path = PathKind.InputFolder)]
    public string Data { get; init; } = "../data/mnist";

    [Param("Also report fd_mnist_floor: the FD between N test and N training images.")]
    public bool Floor { get; init; } = true;

    [Param("Label of the metric set in tables, e.g. ddim-50.")]
    public string Label { get; init; } = "mnist";
}

/// <summary>
/// The <c>eval.mnist</c> node: classifier accuracy against the requested labels and FD-MNIST (see
/// <see cref="MnistEvaluation"/>) of generated digits.
/// </summary>
public sealed class EvalMnistNode : NodeType<EvalMnistOptions>
{
    /// <inheritdoc />
    protected override string Name => "eval.mnist";

    /// <inheritdoc />
    protected override string Category => "evaluation";

    /// <inheritdoc />
    protected override string Description =>
        "Scores generated digits with the MNIST classifier: accuracy vs the requested labels and FD-MNIST (Fréchet distance of classifier features to the test set).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("samples", PortType.Tensor, "Images [N, 1, 28 or 32, 28 or 32] in [-1, 1]."),
        new("labels", PortType.Tensor, "The labels the samples were drawn for [N].", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("metrics", PortType.Metrics, "accuracy, fd_mnist, fd_mnist_floor, count.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, EvalMnistOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var samples = context.GetInput<Tensor>("samples");
        var labels = context.GetOptionalInput<Tensor>("labels");
        if (samples.dim() != 4 || samples.shape[1] != 1 || samples.shape[0] < 2)
        {
            throw new ArgumentException(
                $"eval.mnist (node '{context.NodeId}'): samples must be [N >= 2, 1, 28 or 32, 28 or 32]; got [{string.Join(", ", samples.shape)}].");
        }

        using var classifier = MnistClassifierTraining.Load(context.ResolveInputPath(options.Classifier));
        long n = samples.shape[0];
        var folder = context.ResolveInputPath(options.Data);
        var values = new Dictionary<string, double> { ["count"] = n };
        using var scope = NewDisposeScope();
        if (labels is not null)
        {
            values["accuracy"] = MnistEvaluation.Accuracy(classifier, samples, labels);
        }

        var test = new MnistDataset(MnistData.Load(folder, MnistSplit.Test)).All(n).Images;
        var testFeatures = MnistEvaluation.Features(classifier, test);
        values["fd_mnist"] = FrechetDistance.Compute(MnistEvaluation.Features(classifier, samples), testFeatures);
        if (options.Floor)
        {
            var train = new MnistDataset(MnistData.Load(folder, MnistSplit.Train)).All(n).Images;
            values["fd_mnist_floor"] = FrechetDistance.Compute(MnistEvaluation.Features(classifier, train), testFeatures);
        }

        return Task.FromResult(NodeOutputs.Of("metrics", new MetricSet(options.Label, values)));
    }
}
