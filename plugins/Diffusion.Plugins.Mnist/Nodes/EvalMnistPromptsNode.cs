using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>Params of <c>eval.mnist_prompts</c>.</summary>
public sealed record EvalMnistPromptsOptions
{
    [Param("The prompts the samples were drawn for, as given to the condition node (each repeated count/n times in place).", Required = true)]
    public IReadOnlyList<string> Prompts { get; init; } = [];

    [Param("Rows, as the condition node's count (0: one per prompt).", Min = 0, Max = 100000)]
    public int Count { get; init; }

    [Param("Classifier weights from train.mnist_classifier, relative to the pipeline file.", Path = PathKind.InputFile)]
    public string Classifier { get; init; } = "models/mnist-classifier.safetensors";

    [Param("Folder of the MNIST IDX files (the training set gives the property bins), relative to the pipeline file.", Path = PathKind.InputFolder)]
    public string Data { get; init; } = "../data/mnist";

    [Param("Label of the metric set in tables, e.g. guidance-3.")]
    public string Label { get; init; } = "mnist-prompts";
}

/// <summary>
/// The <c>eval.mnist_prompts</c> node: how well digits generated from text prompts follow them. Each prompt is parsed
/// with the caption grammar (<see cref="DigitCaptions"/>); the classifier's prediction is compared with the prompted
/// digit (<c>digit_accuracy</c>), and each measured property's bin (<see cref="DigitPropertyBins"/>) with the bin the
/// prompt states (<c>thickness_match</c>, <c>size_match</c>, <c>slant_match</c>, over the samples whose prompt states that
/// property; chance is about 1/3). Also counts, and the matches of the samples the classifier reads as the prompted digit.
/// </summary>
public sealed class EvalMnistPromptsNode : NodeType<EvalMnistPromptsOptions>
{
    /// <inheritdoc />
    protected override string Name => "eval.mnist_prompts";

    /// <inheritdoc />
    protected override string Category => "evaluation";

    /// <inheritdoc />
    protected override string Description =>
        "Scores digits generated from text prompts: classifier accuracy on the prompted digit, and how often the measured thickness, size and slant fall in the prompted bin.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("samples", PortType.Tensor, "Images [N, 1, 28, 28] in [-1, 1], in prompt order.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
        [new("metrics", PortType.Metrics, "count, digit_accuracy, thickness_match, size_match, slant_match and the number of samples each is over.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(EvalMnistPromptsOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (options.Prompts.Count == 0)
        {
            yield return context.ParamIssue("prompts", "Give the prompts the samples were drawn for.");
            yield break;
        }

        foreach (var prompt in options.Prompts.Where(p => DigitCaptions.Parse(p) is null))
        {
            yield return context.ParamIssue("prompts", $"Prompt \"{prompt}\" names no digit (a word zero..nine or a numeral 0..9).");
        }

        if (options.Count > 0 && options.Count % options.Prompts.Count != 0)
        {
            yield return context.ParamIssue("count", $"count ({options.Count}) must be a multiple of the {options.Prompts.Count} prompts.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, EvalMnistPromptsOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var samples = context.GetInput<Tensor>("samples");
        int repeat = options.Count > 0 ? options.Count / options.Prompts.Count : 1;
        var asked = options.Prompts.SelectMany(p => Enumerable.Repeat(DigitCaptions.Parse(p)!.Value, repeat)).ToList();
        if (samples.dim() != 4 || samples.shape[0] != asked.Count || samples.shape[1] != 1)
        {
            throw new ArgumentException(
                $"eval.mnist_prompts (node '{context.NodeId}'): samples are [{string.Join(", ", samples.shape)}] but the prompts give {asked.Count} rows of [1, 28, 28].");
        }

        using var classifier = MnistClassifierTraining.Load(context.ResolveInputPath(options.Classifier));
        var bins = DigitPropertyBins.FromData(MnistData.Load(context.ResolveInputPath(options.Data), MnistSplit.Train));
        using var scope = NewDisposeScope();
        var images = samples.to(ScalarType.Float32).cpu();
        long[] predicted;
        using (no_grad())
        {
            var crop = images.shape[2] > 28 ? images.narrow(2, (images.shape[2] - 28) / 2, 28).narrow(3, (images.shape[3] - 28) / 2, 28) : images;
            predicted = classifier.forward(crop).argmax(1).data<long>().ToArray();
        }

        var measured = bins.Bins(images, asked.Select(a => a.Label).ToList());
        var values = new Dictionary<string, double> { ["count"] = asked.Count, ["digit_accuracy"] = asked.Where((a, i) => predicted[i] == a.Label).Count() / (double)asked.Count };
        string[] names = ["thickness", "size", "slant"];
        for (int property = 0; property < 3; property++)
        {
            var stated = Enumerable.Range(0, asked.Count).Select(i => (Index: i, Bin: property switch { 0 => asked[i].Thickness, 1 => asked[i].Size, _ => asked[i].Slant })).Where(x => x.Bin is not null).ToList();
            values[$"{names[property]}_n"] = stated.Count;
            if (stated.Count > 0)
            {
                values[$"{names[property]}_match"] = stated.Count(x => measured[x.Index, property] == x.Bin) / (double)stated.Count;
            }
        }

        return Task.FromResult(NodeOutputs.Of("metrics", new MetricSet(options.Label, values)));
    }
}
