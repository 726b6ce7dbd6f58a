using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// A small CNN digit classifier (LeCun et al. 1998 in spirit): three 3x3 conv stages with ReLU and 2x2 max-pooling
/// (28 → 14 → 7 → 3), a 128-unit hidden layer whose activations are the <see cref="Features"/> used by FD-MNIST, and a
/// 10-way output. Takes [N, 1, 28, 28] or [N, 1, 32, 32] images in [-1, 1] (32-pixel inputs are centre-cropped).
/// About 100k parameters.
/// </summary>
public sealed class MnistClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Width of the penultimate features.</summary>
    public const int FeatureDim = 128;

    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly Linear fc1;
    private readonly Dropout dropout;
    private readonly Linear fc2;

    /// <summary>Creates the network with fresh weights.</summary>
    public MnistClassifier()
        : base(nameof(MnistClassifier))
    {
        conv1 = nn.Conv2d(1, 16, 3, stride: 1, padding: 1);
        conv2 = nn.Conv2d(16, 32, 3, stride: 1, padding: 1);
        conv3 = nn.Conv2d(32, 64, 3, stride: 1, padding: 1);
        fc1 = nn.Linear(64 * 3 * 3, FeatureDim);
        dropout = nn.Dropout(0.3);
        fc2 = nn.Linear(FeatureDim, 10);
        RegisterComponents();
    }

    /// <summary>Class logits [N, 10].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(dropout.forward(Features(input))).MoveToOuterDisposeScope();
    }

    /// <summary>The penultimate activations [N, 128] (after ReLU).</summary>
    public Tensor Features(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var x = CropTo28(input);
        x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv3.forward(x)), 2);
        return nn.functional.relu(fc1.forward(x.flatten(1))).MoveToOuterDisposeScope();
    }

    private static Tensor CropTo28(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != 1 || input.shape[2] != input.shape[3] || input.shape[2] < 28)
        {
            throw new ArgumentException(
                $"The MNIST classifier takes images [N, 1, 28, 28] or [N, 1, 32, 32]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        long offset = (input.shape[2] - 28) / 2;
        return offset == 0 && input.shape[2] == 28 ? input : input.narrow(2, offset, 28).narrow(3, offset, 28);
    }
}
