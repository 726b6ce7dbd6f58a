using System.Diagnostics;
using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>Settings of <see cref="MnistClassifierTraining.Train"/>.</summary>
/// <param name="Epochs">Passes over the 60,000 training images.</param>
/// <param name="Batch">Images per step.</param>
/// <param name="LearningRate">Adam's initial step size (cosine-decayed to zero).</param>
/// <param name="Seed">Seeds weights, shuffling and augmentation.</param>
public sealed record MnistClassifierTrainingOptions(int Epochs = 3, int Batch = 128, double LearningRate = 2e-3, long Seed = 0);

/// <summary>Trains <see cref="MnistClassifier"/> with Adam and cross-entropy, and measures test accuracy.</summary>
public static class MnistClassifierTraining
{
    /// <summary>Trains a fresh classifier; <paramref name="report"/> gets (step, total, loss).</summary>
    public static MnistClassifier Train(
        MnistData train,
        MnistClassifierTrainingOptions options,
        Action<int, int, double>? report = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        manual_seed(options.Seed);
        var model = new MnistClassifier();
        var generator = new Generator((ulong)options.Seed, CPU);
        var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        int stepsPerEpoch = (int)(train.Count / options.Batch);
        int total = stepsPerEpoch * options.Epochs;
        double runningLoss = 0;
        model.train();
        int step = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            using var order = randperm(train.Count, generator: generator);
            for (int i = 0; i < stepsPerEpoch; i++, step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / total));
                }

                using var scope = NewDisposeScope();
                var index = order.narrow(0, (long)i * options.Batch, options.Batch);
                var images = MnistData.ToModelRange(train.Images.index_select(0, index), 28);
                var loss = nn.functional.cross_entropy(model.forward(images), train.Labels.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                runningLoss = step == 0 ? value : 0.98 * runningLoss + 0.02 * value;
                report?.Invoke(step + 1, total, runningLoss);
            }
        }

        model.eval();
        return model;
    }

    /// <summary>Fraction of <paramref name="data"/> classified correctly.</summary>
    public static double Accuracy(MnistClassifier model, MnistData data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.eval();
        long correct = 0;
        using var _ = no_grad();
        for (long start = 0; start < data.Count; start += 1000)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(1000, data.Count - start);
            var images = MnistData.ToModelRange(data.Images.narrow(0, start, n), 28);
            correct += model.forward(images).argmax(1).eq(data.Labels.narrow(0, start, n)).sum().item<long>();
        }

        return (double)correct / data.Count;
    }

    /// <summary>Loads weights saved by <see cref="Save"/> (strict names and shapes).</summary>
    public static MnistClassifier Load(string path)
    {
        var model = new MnistClassifier();
        Diffusion.Nn.StateDictLoader.Load(model, path);
        model.eval();
        return model;
    }

    /// <summary>Saves the weights with their test accuracy in the metadata.</summary>
    public static void Save(MnistClassifier model, string path, double testAccuracy)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensors.Save(path, model.state_dict(), new Dictionary<string, string>
        {
            ["model"] = nameof(MnistClassifier),
            ["test_accuracy"] = testAccuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Times a run, for reports.</summary>
    internal static Stopwatch StartTimer() => Stopwatch.StartNew();
}
