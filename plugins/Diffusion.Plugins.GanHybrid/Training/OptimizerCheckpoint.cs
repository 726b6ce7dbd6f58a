using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// AdamW state in checkpoint tensors, as train.denoising stores it (docs/checkpoints.md): for parameter <c>{p}</c> under
/// a prefix, <c>{prefix}.{p}.exp_avg</c>, <c>{prefix}.{p}.exp_avg_sq</c> and <c>{prefix}.{p}.step</c> (int64 scalar).
/// </summary>
public static class OptimizerCheckpoint
{
    /// <summary>Adds the state of <paramref name="optimizer"/> (parameters in <paramref name="names"/> order) to <paramref name="tensors"/>.</summary>
    public static void Write(IDictionary<string, Tensor> tensors, string prefix, AdamW optimizer, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(names);
        var states = optimizer.state_dict().State;
        for (int i = 0; i < names.Count; i++)
        {
            var state = (AdamW.State)states[i];
            tensors[$"{prefix}.{names[i]}.exp_avg"] = state.exp_avg;
            tensors[$"{prefix}.{names[i]}.exp_avg_sq"] = state.exp_avg_sq;
            tensors[$"{prefix}.{names[i]}.step"] = tensor(state.step);
        }
    }

    /// <summary>Restores the state written by <see cref="Write"/>; throws naming a missing or mis-shaped tensor.</summary>
    public static void Read(IReadOnlyDictionary<string, Tensor> stored, string prefix, AdamW optimizer, IReadOnlyList<string> names, string path)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(names);
        using var noGrad = no_grad();
        var states = optimizer.state_dict().State;
        for (int i = 0; i < names.Count; i++)
        {
            var state = (AdamW.State)states[i];
            Copy(stored, $"{prefix}.{names[i]}.exp_avg", state.exp_avg, path);
            Copy(stored, $"{prefix}.{names[i]}.exp_avg_sq", state.exp_avg_sq, path);
            state.step = Get(stored, $"{prefix}.{names[i]}.step", path).item<long>();
        }
    }

    /// <summary>Copies every tensor of <paramref name="targets"/> from <paramref name="stored"/> under <paramref name="prefix"/>.</summary>
    public static void CopyPrefixed(IReadOnlyDictionary<string, Tensor> stored, string prefix, IReadOnlyDictionary<string, Tensor> targets, string path)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            Copy(stored, prefix + name, target, path);
        }
    }

    /// <summary>The tensor <paramref name="key"/> of <paramref name="stored"/>, or an error naming the file.</summary>
    public static Tensor Get(IReadOnlyDictionary<string, Tensor> stored, string key, string path)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.TryGetValue(key, out var tensor)
            ? tensor
            : throw new InvalidDataException($"train.ddgan: tensor '{key}' is missing from '{path}'.");
    }

    private static void Copy(IReadOnlyDictionary<string, Tensor> stored, string key, Tensor target, string path)
    {
        var source = Get(stored, key, path);
        if (!source.shape.SequenceEqual(target.shape))
        {
            throw new InvalidDataException($"train.ddgan: tensor '{key}' in '{path}' has shape [{string.Join(", ", source.shape)}] but the training state expects [{string.Join(", ", target.shape)}].");
        }

        target.copy_(source);
    }
}
