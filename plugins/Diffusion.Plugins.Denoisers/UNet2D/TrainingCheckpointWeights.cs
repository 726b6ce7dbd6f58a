using Diffusion.Torch;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Denoisers;

/// <summary>
/// The network weights inside a <c>train.denoising</c> checkpoint (metadata <c>format</c> =
/// <c>diffusion.training_checkpoint</c>, see docs/checkpoints.md): the EMA weights under <c>ema.</c> when the run kept an
/// EMA, else the trained weights under <c>network.</c>. The optimizer moments and generator state are dropped, so the
/// file a training run writes loads as <c>pretrained</c> without an export step.
/// </summary>
internal static class TrainingCheckpointWeights
{
    /// <summary>Metadata key of the file format.</summary>
    public const string FormatKey = "format";

    /// <summary>The format train.denoising writes.</summary>
    public const string TrainingFormat = "diffusion.training_checkpoint";

    /// <summary>Whether <paramref name="metadata"/> marks a train.denoising checkpoint.</summary>
    public static bool IsTrainingCheckpoint(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(FormatKey, out var format) && format == TrainingFormat;

    /// <summary>Loads the <c>ema.</c> (preferred) or <c>network.</c> tensors of <paramref name="path"/> with the prefix removed.</summary>
    /// <exception cref="InvalidDataException">The checkpoint holds neither prefix.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        var all = SafeTensors.Load(path);
        var prefix = all.Keys.Any(k => k.StartsWith("ema.", StringComparison.Ordinal)) ? "ema." : "network.";
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in all)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                weights[name[prefix.Length..]] = tensor;
            }
            else
            {
                tensor.Dispose();
            }
        }

        if (weights.Count == 0)
        {
            throw new InvalidDataException(
                $"denoiser.unet2d: training checkpoint '{path}' holds no 'ema.' or 'network.' tensors; it is not a complete train.denoising checkpoint.");
        }

        return weights;
    }
}
