using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// Properties measured from digit images, the facts the text-to-digit captions state. For an image with grey values
/// p ∈ [0, 1] (0 = background) on a 28 × 28 grid, row r (downwards) and column c:
/// <list type="bullet">
/// <item><b>thickness</b>: the ink pixel count, #{p ≥ 0.5} — at a fixed digit class and height, more ink means wider strokes;</item>
/// <item><b>size</b>: the area of the ink's bounding box, (rows with ink) × (columns with ink), over pixels with p ≥ 0.5;</item>
/// <item><b>slant</b>: the shear of the grey-value second moments, −cov(c, r) / var(r), i.e. how many columns the
/// digit's axis moves right per row upwards (0 upright, positive leaning right) — the quantity deskewing removes.</item>
/// </list>
/// Images in [−1, 1] are mapped to p = (x + 1) / 2 first. Sizes other than 28 are centre-cropped to 28.
/// </summary>
public static class DigitMeasurements
{
    /// <summary>The ink threshold on p.</summary>
    public const double InkThreshold = 0.5;

    /// <summary>Thickness, size and slant of each image [N, 1, S, S] in [−1, 1], as three [N] float64 tensors.</summary>
    public static (Tensor Thickness, Tensor Size, Tensor Slant) Measure(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[2] < 28 || images.shape[3] < 28)
        {
            throw new ArgumentException($"Digit measurements take images [N, 1, S >= 28, S >= 28] in [-1, 1]; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = NewDisposeScope();
        long top = (images.shape[2] - 28) / 2, left = (images.shape[3] - 28) / 2;
        var p = ((images.narrow(2, top, 28).narrow(3, left, 28).to(ScalarType.Float64) + 1) / 2).clamp(0, 1).squeeze(1);
        var ink = p >= InkThreshold;
        var thickness = ink.sum([1, 2]).to(ScalarType.Float64);
        var rowsWithInk = ink.any(2).sum(1).to(ScalarType.Float64);
        var columnsWithInk = ink.any(1).sum(1).to(ScalarType.Float64);
        var size = rowsWithInk * columnsWithInk;

        var rows = arange(28, dtype: ScalarType.Float64).view(1, 28, 1);
        var columns = arange(28, dtype: ScalarType.Float64).view(1, 1, 28);
        var mass = p.sum([1, 2]).clamp_min(1e-9);
        var meanRow = (p * rows).sum([1, 2]) / mass;
        var meanColumn = (p * columns).sum([1, 2]) / mass;
        var dr = rows - meanRow.view(-1, 1, 1);
        var dc = columns - meanColumn.view(-1, 1, 1);
        var covariance = (p * dr * dc).sum([1, 2]) / mass;
        var rowVariance = ((p * dr * dr).sum([1, 2]) / mass).clamp_min(1e-9);
        var slant = -covariance / rowVariance;
        return (thickness.MoveToOuterDisposeScope(), size.MoveToOuterDisposeScope(), slant.MoveToOuterDisposeScope());
    }
}
