using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// Classifier-based quality numbers for generated digits. FD-MNIST is this project's own metric (not a published
/// standard): the Fréchet distance (<see cref="FrechetDistance"/>) between the 128-d penultimate features of
/// <see cref="MnistClassifier"/> (weights pipelines/models/mnist-classifier.safetensors) on the samples and on the first
/// N MNIST test images, N = number of samples. Its floor is the same distance between the first N test images and the
/// first N training images. To reproduce: same classifier weights, same N, images in [-1, 1].
/// </summary>
public static class MnistEvaluation
{
    /// <summary>Penultimate features [N, 128] in batches of 500.</summary>
    public static Tensor Features(MnistClassifier classifier, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += 500)
        {
            long n = Math.Min(500, images.shape[0] - start);
            parts.Add(classifier.Features(images.narrow(0, start, n).to(ScalarType.Float32).cpu()));
        }

        var all = cat(parts.ToArray(), 0);
        foreach (var part in parts)
        {
            part.Dispose();
        }

        return all;
    }

    /// <summary>Fraction of <paramref name="images"/> the classifier assigns to <paramref name="labels"/>.</summary>
    public static double Accuracy(MnistClassifier classifier, Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"eval.mnist: {images.shape[0]} samples but {labels.shape[0]} labels.");
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long correct = 0;
        for (long start = 0; start < images.shape[0]; start += 500)
        {
            long n = Math.Min(500, images.shape[0] - start);
            var predicted = classifier.forward(images.narrow(0, start, n).to(ScalarType.Float32).cpu()).argmax(1);
            correct += predicted.eq(labels.narrow(0, start, n).to(ScalarType.Int64).cpu()).sum().item<long>();
        }

        return (double)correct / images.shape[0];
    }
}
