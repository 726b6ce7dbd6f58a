using Diffusion.Contracts;

namespace Diffusion.Plugins.Mnist;

/// <summary>Params of <c>train.mnist_classifier</c>.</summary>
public sealed record TrainMnistClassifierOptions
{
    [Param("Folder holding the MNIST IDX files, relative to the pipeline file.", Path = PathKind.InputFolder)]
    public string Data { get; init; } = "../data/mnist";

    [Param("Output weights (.safetensors), relative to the run's output folder.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "mnist-classifier.safetensors";

    [Param("Passes over the training set.", Min = 1, Max = 10_000)]
    public int Epochs { get; init; } = 6;

    [Param("Images per step.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 128;

    [Param("Adam's initial learning rate (cosine decay).", Min = 0)]
    public double Lr { get; init; } = 2e-3;

    [Param("Seed of weights and shuffling.")]
    public long Seed { get; init; }
}

/// <summary>The <c>train.mnist_classifier</c> node: trains the FD-MNIST / accuracy classifier and saves its weights.</summary>
public sealed class TrainMnistClassifierNode : NodeType<TrainMnistClassifierOptions>
{
    /// <inheritdoc />
    protected override string Name => "train.mnist_classifier";

    /// <inheritdoc />
    protected override string Category => "training";

    /// <inheritdoc />
    protected override string Description => "Trains the small MNIST CNN used by eval.mnist, saves it, and reports its test accuracy.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("file", PortType.File, "The saved weights."),
        new("metrics", PortType.Metrics, "test_accuracy, seconds."),
    ];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, TrainMnistClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = context.ResolveInputPath(options.Data);
        var timer = MnistClassifierTraining.StartTimer();
        var train = MnistData.Load(folder, MnistSplit.Train);
        var test = MnistData.Load(folder, MnistSplit.Test);
        var model = MnistClassifierTraining.Train(
            train,
            new MnistClassifierTrainingOptions(options.Epochs, options.Batch, options.Lr, options.Seed),
            (step, total, loss) => context.Progress.Report(new NodeProgress(step, total, "train", new Dictionary<string, double> { ["loss"] = loss })),
            context.CancellationToken);
        double accuracy = MnistClassifierTraining.Accuracy(model, test);
        var path = context.ResolveOutputPath(options.Path);
        MnistClassifierTraining.Save(model, path, accuracy);
        var metrics = new MetricSet("mnist-classifier", new Dictionary<string, double>
        {
            ["test_accuracy"] = accuracy,
            ["seconds"] = timer.Elapsed.TotalSeconds,
        });
        return Task.FromResult(new NodeOutputs().With("file", path).With("metrics", metrics));
    }
}
