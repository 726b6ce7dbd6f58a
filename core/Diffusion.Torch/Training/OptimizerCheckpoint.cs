using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Torch;

/// <summary>
/// AdamW state in checkpoint tensors, as the training nodes store it (docs/checkpoints.md): for parameter <c>{p}</c> under
/// a prefix, <c>{prefix}.{p}.exp_avg</c>, <c>{prefix}.{p}.exp_avg_sq</c> and <c>{prefix}.{p}.step</c> (int64 scalar).
/// Reading goes through <see cref="CheckedRestore"/>.
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
}
