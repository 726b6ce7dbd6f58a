using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Training;

/// <summary>
/// The safetensors layout of a <c>train.denoising</c> checkpoint (documented in docs/checkpoints.md). With
/// <c>{p}</c> a parameter name of the denoiser's network (its state-dict key):
/// <c>network.{p}</c> trained weights; <c>ema.{p}</c> EMA weights (only with EMA on);
/// <c>optimizer.{p}.exp_avg</c>, <c>optimizer.{p}.exp_avg_sq</c> AdamW moments and <c>optimizer.{p}.step</c>
/// (int64 scalar) its bias-correction step; <c>generator.state</c> (uint8) the CPU generator state after the last
/// step. Metadata: the denoiser's Config, plus <c>format</c> = <c>diffusion.training_checkpoint</c>, <c>step</c>,
/// <c>optimizer</c> = <c>adamw</c>, <c>ema</c> = true/false.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The format metadata value.</summary>
    public const string Format = "diffusion.training_checkpoint";

    /// <summary>Writes a checkpoint atomically.</summary>
    public static void Save(
        string path,
        ITrainableDenoiser model,
        ExponentialMovingAverage? ema,
        AdamW optimizer,
        IReadOnlyList<(string Name, Parameter Parameter)> parameters,
        long step,
        Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            tensors[$"network.{name}"] = tensor;
        }

        if (ema is not null)
        {
            foreach (var (name, tensor) in ema.Shadow.Network.state_dict())
            {
                tensors[$"ema.{name}"] = tensor;
            }
        }

        var states = optimizer.state_dict().State;
        for (var i = 0; i < parameters.Count; i++)
        {
            var state = (AdamW.State)states[i];
            var name = parameters[i].Name;
            tensors[$"optimizer.{name}.exp_avg"] = state.exp_avg;
            tensors[$"optimizer.{name}.exp_avg_sq"] = state.exp_avg_sq;
            tensors[$"optimizer.{name}.step"] = tensor(state.step);
        }

        tensors["generator.state"] = generator.get_state();
        var metadata = new Dictionary<string, string>(model.Config, StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = "adamw",
            ["ema"] = ema is null ? "false" : "true",
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Restores a checkpoint into a fresh training state and returns the step it was written at. Strict: the
    /// denoiser's Config must match the file's, and every tensor must be present with the right shape and dtype. Nothing
    /// from the file reaches libtorch before it is checked (a short <c>generator.state</c> aborted the process inside
    /// libtorch), and no training state is touched until the whole file has passed.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a matching training checkpoint; the message names the file,
    /// the tensor or metadata entry and what was expected.</exception>
    public static long Restore(
        string path,
        ITrainableDenoiser model,
        ExponentialMovingAverage? ema,
        AdamW optimizer,
        IReadOnlyList<(string Name, Parameter Parameter)> parameters,
        Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(generator);
        var header = SafeTensors.ReadHeader(path);
        if (!header.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new InvalidDataException($"train.denoising: '{path}' is not a training checkpoint (metadata format is '{format ?? "absent"}', expected '{Format}').");
        }

        foreach (var (key, value) in model.Config)
        {
            if (!header.Metadata.TryGetValue(key, out var inFile) || inFile != value)
            {
                throw new InvalidDataException($"train.denoising: '{path}' was written for a different denoiser: config '{key}' is '{inFile ?? "absent"}' in the file but '{value}' in the linked denoiser.");
            }
        }

        var hasEma = header.Metadata.TryGetValue("ema", out var emaFlag) && emaFlag == "true";
        if (hasEma != (ema is not null))
        {
            throw new InvalidDataException($"train.denoising: '{path}' was written with EMA {(hasEma ? "on" : "off")} but ema_decay now turns it {(ema is null ? "off" : "on")}; use the same ema_decay setting to resume.");
        }

        if (!header.Metadata.TryGetValue("step", out var stepText)
            || !long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            throw new InvalidDataException($"train.denoising: '{path}' has no valid 'step' in its metadata (found '{stepText ?? "absent"}'; expected a whole number >= 0). The file is damaged; resume from another checkpoint.");
        }

        var stored = SafeTensors.Load(path);
        try
        {
            // Check everything first, then copy: a file that fails halfway must not leave a half-restored state.
            var states = optimizer.state_dict().State;
            var targets = new List<(string Key, Tensor Target)>();
            targets.AddRange(model.Network.state_dict().Select(kv => ($"network.{kv.Key}", kv.Value)));
            if (ema is not null)
            {
                targets.AddRange(ema.Shadow.Network.state_dict().Select(kv => ($"ema.{kv.Key}", kv.Value)));
            }

            var steps = new long[parameters.Count];
            for (var i = 0; i < parameters.Count; i++)
            {
                var state = (AdamW.State)states[i];
                var name = parameters[i].Name;
                targets.Add(($"optimizer.{name}.exp_avg", state.exp_avg));
                targets.Add(($"optimizer.{name}.exp_avg_sq", state.exp_avg_sq));
                steps[i] = OptimizerStep(stored, $"optimizer.{name}.step", path);
            }

            foreach (var (key, target) in targets)
            {
                CheckLike(stored, key, target, path);
            }

            var generatorState = GeneratorState(stored, path);
            using var noGrad = no_grad();
            foreach (var (key, target) in targets)
            {
                target.copy_(stored[key]);
            }

            for (var i = 0; i < parameters.Count; i++)
            {
                ((AdamW.State)states[i]).step = steps[i];
            }

            generator.set_state(generatorState);
            return step;
        }
        finally
        {
            foreach (var tensor in stored.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>A stored weight or optimizer moment must have the target's shape and a floating-point dtype.</summary>
    private static void CheckLike(IReadOnlyDictionary<string, Tensor> stored, string key, Tensor target, string path)
    {
        var source = Get(stored, key, path);
        if (!source.shape.SequenceEqual(target.shape))
        {
            throw new InvalidDataException($"train.denoising: tensor '{key}' in '{path}' has shape [{string.Join(", ", source.shape)}] but the training state expects [{string.Join(", ", target.shape)}].");
        }

        if (!is_floating_point(source))
        {
            throw new InvalidDataException($"train.denoising: tensor '{key}' in '{path}' has dtype {source.dtype}; weights and optimizer moments are floating point.");
        }
    }

    /// <summary>AdamW's bias-correction step: an int64 scalar, not negative.</summary>
    private static long OptimizerStep(IReadOnlyDictionary<string, Tensor> stored, string key, string path)
    {
        var tensor = Get(stored, key, path);
        if (tensor.dtype != ScalarType.Int64 || tensor.NumberOfElements != 1)
        {
            throw new InvalidDataException($"train.denoising: tensor '{key}' in '{path}' is {tensor.dtype} [{string.Join(", ", tensor.shape)}]; the optimizer step is one int64.");
        }

        var value = tensor.item<long>();
        return value >= 0
            ? value
            : throw new InvalidDataException($"train.denoising: tensor '{key}' in '{path}' is {value}; the optimizer step cannot be negative.");
    }

    /// <summary>
    /// The CPU generator's state: uint8, one dimension, exactly as long as libtorch's own. libtorch checks the size
    /// itself, but through TorchSharp a wrong one ended the process (c10::Error, exit 134) instead of throwing.
    /// </summary>
    private static Tensor GeneratorState(IReadOnlyDictionary<string, Tensor> stored, string path)
    {
        var state = Get(stored, "generator.state", path);
        using var probe = new Generator(0, CPU);
        using var reference = probe.get_state();
        if (state.dtype != ScalarType.Byte || state.dim() != 1 || state.NumberOfElements != reference.NumberOfElements)
        {
            throw new InvalidDataException(
                $"train.denoising: tensor 'generator.state' in '{path}' is {state.dtype} [{string.Join(", ", state.shape)}]; a CPU generator state is uint8 [{reference.NumberOfElements}]. The file is damaged; resume from another checkpoint.");
        }

        var bytes = state.data<byte>().ToArray();
        if (IsValidMersenneState(reference.data<byte>().ToArray()) && !IsValidMersenneState(bytes))
        {
            throw new InvalidDataException(
                $"train.denoising: tensor 'generator.state' in '{path}' is not a valid Mersenne Twister state (position or seeded flag out of range). The file is damaged; resume from another checkpoint.");
        }

        return state;
    }

    /// <summary>
    /// The check libtorch's CPUGeneratorImpl::set_state makes before "Invalid mt19937 state" (which, thrown through
    /// TorchSharp, aborts the process): in CPUGeneratorImplStateLegacy (uint64 seed, int32 left, int32 seeded, uint64 next,
    /// then the 624 state words) the engine is valid when seeded, 0 &lt; left &lt;= 624 and (uint32)next &lt;= 624
    /// (aten/src/ATen/core/MT19937RNGEngine.h, is_valid). The layout is confirmed on a fresh generator's state first.
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

    private static Tensor Get(IReadOnlyDictionary<string, Tensor> stored, string key, string path) =>
        stored.TryGetValue(key, out var tensor)
            ? tensor
            : throw new InvalidDataException($"train.denoising: tensor '{key}' is missing from '{path}'.");
}
