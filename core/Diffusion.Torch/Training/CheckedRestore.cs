using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Torch;

/// <summary>
/// Restores a loaded training checkpoint in two phases (docs/reliability.md), for every training node: every weight,
/// optimizer moment, optimizer step and the generator state is checked first (present, same shape, floating point;
/// step a non-negative int64; a generator state libtorch will accept), and nothing is copied until all have passed, so
/// a damaged file neither leaves a half-restored state nor reaches libtorch (a bad <c>generator.state</c> aborted the
/// process inside <c>set_state</c> instead of throwing). Errors are <see cref="InvalidDataException"/>s naming the file
/// and the entry.
/// </summary>
public sealed class CheckedRestore
{
    private readonly IReadOnlyDictionary<string, Tensor> stored;
    private readonly string path;
    private readonly string label;
    private readonly List<(string Key, Tensor Target)> copies = [];
    private readonly List<(AdamW.State State, long Step)> steps = [];
    private (Generator Target, Tensor State)? random;

    /// <summary>Starts a restore from <paramref name="stored"/>, the tensors of <paramref name="path"/>; <paramref name="label"/> prefixes messages.</summary>
    public CheckedRestore(IReadOnlyDictionary<string, Tensor> stored, string path, string label)
    {
        ArgumentNullException.ThrowIfNull(stored);
        this.stored = stored;
        this.path = path;
        this.label = label;
    }

    /// <summary>The checkpoint's <c>step</c> metadata: a whole number ≥ 0, or an error naming the file.</summary>
    public static long Step(IReadOnlyDictionary<string, string> metadata, string path, string label)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.TryGetValue("step", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step
            : throw new InvalidDataException($"{label}: '{path}' has no valid 'step' in its metadata (found '{text ?? "absent"}'; expected a whole number >= 0). The file is damaged; resume from another checkpoint.");
    }

    /// <summary>Checks, for a later copy, every tensor of <paramref name="targets"/> stored under <paramref name="prefix"/>.</summary>
    public void Tensors(string prefix, IReadOnlyDictionary<string, Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var (name, target) in targets)
        {
            Like(prefix + name, target);
        }
    }

    /// <summary>Checks the AdamW state written by <see cref="OptimizerCheckpoint.Write"/> under <paramref name="prefix"/>.</summary>
    public void Optimizer(string prefix, AdamW optimizer, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(names);
        var states = optimizer.state_dict().State;
        for (int i = 0; i < names.Count; i++)
        {
            var state = (AdamW.State)states[i];
            Like($"{prefix}.{names[i]}.exp_avg", state.exp_avg);
            Like($"{prefix}.{names[i]}.exp_avg_sq", state.exp_avg_sq);
            steps.Add((state, OptimizerStep($"{prefix}.{names[i]}.step")));
        }
    }

    /// <summary>Checks <c>generator.state</c> for <paramref name="target"/>.</summary>
    public void RandomState(Generator target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var state = Get("generator.state");
        using var probe = new Generator(0, CPU);
        using var reference = probe.get_state();
        if (state.dtype != ScalarType.Byte || state.dim() != 1 || state.NumberOfElements != reference.NumberOfElements)
        {
            throw new InvalidDataException($"{label}: tensor 'generator.state' in '{path}' is {state.dtype} [{string.Join(", ", state.shape)}]; a CPU generator state is uint8 [{reference.NumberOfElements}]. The file is damaged; resume from another checkpoint.");
        }

        if (IsValidMersenneState(reference.data<byte>().ToArray()) && !IsValidMersenneState(state.data<byte>().ToArray()))
        {
            throw new InvalidDataException($"{label}: tensor 'generator.state' in '{path}' is not a valid Mersenne Twister state (position or seeded flag out of range). The file is damaged; resume from another checkpoint.");
        }

        random = (target, state);
    }

    /// <summary>Copies everything checked so far into the training state.</summary>
    public void Apply()
    {
        using (no_grad())
        {
            foreach (var (key, target) in copies)
            {
                target.copy_(stored[key]);
            }
        }

        foreach (var (state, step) in steps)
        {
            state.step = step;
        }

        if (random is { } r)
        {
            r.Target.set_state(r.State);
        }
    }

    private void Like(string key, Tensor target)
    {
        var source = Get(key);
        if (!source.shape.SequenceEqual(target.shape))
        {
            throw new InvalidDataException($"{label}: tensor '{key}' in '{path}' has shape [{string.Join(", ", source.shape)}] but the training state expects [{string.Join(", ", target.shape)}].");
        }

        if (!is_floating_point(source))
        {
            throw new InvalidDataException($"{label}: tensor '{key}' in '{path}' has dtype {source.dtype}; weights and optimizer moments are floating point.");
        }

        copies.Add((key, target));
    }

    /// <summary>AdamW's bias-correction step: one int64, not negative.</summary>
    private long OptimizerStep(string key)
    {
        var tensor = Get(key);
        if (tensor.dtype != ScalarType.Int64 || tensor.NumberOfElements != 1)
        {
            throw new InvalidDataException($"{label}: tensor '{key}' in '{path}' is {tensor.dtype} [{string.Join(", ", tensor.shape)}]; the optimizer step is one int64.");
        }

        var value = tensor.item<long>();
        return value >= 0
            ? value
            : throw new InvalidDataException($"{label}: tensor '{key}' in '{path}' is {value}; the optimizer step cannot be negative.");
    }

    private Tensor Get(string key) =>
        stored.TryGetValue(key, out var tensor)
            ? tensor
            : throw new InvalidDataException($"{label}: tensor '{key}' is missing from '{path}'.");

    /// <summary>
    /// The check libtorch's CPUGeneratorImpl::set_state makes before "Invalid mt19937 state": in
    /// CPUGeneratorImplStateLegacy (uint64 seed, int32 left, int32 seeded, uint64 next, then the 624 state words) the
    /// engine is valid when seeded, 0 &lt; left &lt;= 624 and (uint32)next &lt;= 624 (aten/src/ATen/core/MT19937RNGEngine.h,
    /// is_valid). Applied only when a fresh generator's state passes it, which confirms the layout.
    /// </summary>
    private static bool IsValidMersenneState(byte[] state)
    {
        const int stateWords = 624;
        if (state.Length < 24)
        {
            return false;
        }

        var left = BitConverter.ToInt32(state, 8);
        var seeded = BitConverter.ToInt32(state, 12);
        var next = (uint)BitConverter.ToUInt64(state, 16);
        return seeded != 0 && left is > 0 and <= stateWords && next <= stateWords;
    }
}
