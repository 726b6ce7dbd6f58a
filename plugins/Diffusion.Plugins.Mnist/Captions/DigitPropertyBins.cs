using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// Per-class tertiles of each <see cref="DigitProperty"/> over the MNIST training set: a value below the class's first
/// tertile is "low" (thin, small, slanted to the left), above the second "high" (thick, large, slanted to the right),
/// else "middle" (no word in captions). Per class because a 1 has less ink and a smaller box than an 8 by nature; so
/// "slanted to the left" means "among the third leaning most to the left for its digit". Computed from the data, never
/// from generated images, so captions and evaluation use the same bins.
/// </summary>
public sealed class DigitPropertyBins
{
    private readonly double[,,] cuts;

    private DigitPropertyBins(double[,,] cuts) => this.cuts = cuts;

    /// <summary>The tertile cuts of the training images of <paramref name="data"/> (any split; captions use train).</summary>
    public static DigitPropertyBins FromData(MnistData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        var images = MnistData.ToModelRange(data.Images, 28);
        var (thickness, size, slant) = DigitMeasurements.Measure(images);
        var values = new[] { thickness, size, slant };
        var cuts = new double[3, 10, 2];
        for (int property = 0; property < 3; property++)
        {
            for (int label = 0; label < 10; label++)
            {
                var ofClass = values[property].index(data.Labels.eq(label));
                var sorted = ofClass.sort().Values.data<double>().ToArray();
                cuts[property, label, 0] = sorted[sorted.Length / 3];
                cuts[property, label, 1] = sorted[2 * sorted.Length / 3];
            }
        }

        return new DigitPropertyBins(cuts);
    }

    /// <summary>−1 (low), 0 (middle) or +1 (high) for a value of <paramref name="property"/> of a digit <paramref name="label"/>.</summary>
    public int Bin(DigitProperty property, int label, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(label, 9);
        var low = cuts[(int)property, label, 0];
        var high = cuts[(int)property, label, 1];
        return value < low ? -1 : value > high ? 1 : 0;
    }

    /// <summary>The bins of every image: [N, 3] with columns thickness, size, slant.</summary>
    public int[,] Bins(Tensor images, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var (thickness, size, slant) = DigitMeasurements.Measure(images);
        using (thickness)
        using (size)
        using (slant)
        {
            var t = thickness.data<double>().ToArray();
            var s = size.data<double>().ToArray();
            var a = slant.data<double>().ToArray();
            var bins = new int[labels.Count, 3];
            for (int i = 0; i < labels.Count; i++)
            {
                bins[i, 0] = Bin(DigitProperty.Thickness, labels[i], t[i]);
                bins[i, 1] = Bin(DigitProperty.Size, labels[i], s[i]);
                bins[i, 2] = Bin(DigitProperty.Slant, labels[i], a[i]);
            }

            return bins;
        }
    }
}
