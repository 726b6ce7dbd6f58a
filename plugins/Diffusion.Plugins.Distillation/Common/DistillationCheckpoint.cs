using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// The safetensors layout of <c>train.distill</c> and <c>train.consistency</c> checkpoints (docs/checkpoints.md), a
/// train.denoising checkpoint plus the teacher: with <c>{p}</c> a state-dict key of the student's network,
/// <c>network.{p}</c> the student, <c>ema.{p}</c> its average (the target network θ⁻ of consistency distillation),
/// <c>teacher.{p}</c> the current teacher when it is an earlier student (progressive rounds after the first),
/// <c>optimizer.{p}.exp_avg|exp_avg_sq|step</c> AdamW, <c>generator.state</c> the training generator. Metadata: the
/// student's Config (so <c>denoiser.mlp2d</c> / <c>denoiser.unet2d</c> load the file as the student, EMA first),
/// <c>format</c> = <c>diffusion.training_checkpoint</c>, <c>trainer</c>, <c>step</c>, <c>ema</c>, and the trainer's own
/// entries (rounds, discretisation), which a resume must match.
/// </summary>
public static class DistillationCheckpoint
{
    /// <summary>The format metadata value.</summary>
    public const string Format = "diffusion.training_checkpoint";

    /// <summary>The training state one checkpoint holds.</summary>
    public sealed record State(
        string Trainer,
        ITrainableDenoiser Student,
        WeightAverage? Ema,
        AdamW Optimizer,
        IReadOnlyList<string> ParameterNames,
        Generator Random,
        IReadOnlyDictionary<string, string> Settings);

    /// <summary>Writes a checkpoint atomically; <paramref name="teacher"/> is stored when it is an earlier student.</summary>
    public static void Save(string path, State state, long step, ITrainableDenoiser? teacher)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state.Student.Network.state_dict())
        {
            tensors[$"network.{name}"] = tensor;
        }

        if (state.Ema is not null)
        {
            foreach (var (name, tensor) in state.Ema.Shadow.state_dict())
            {
                tensors[$"ema.{name}"] = tensor;
            }
        }

        if (teacher is not null)
        {
            foreach (var (name, tensor) in teacher.Network.state_dict())
            {
                tensors[$"teacher.{name}"] = tensor;
            }
        }

        OptimizerCheckpoint.Write(tensors, "optimizer", state.Optimizer, state.ParameterNames);
        tensors["generator.state"] = state.Random.get_state();
        var metadata = new Dictionary<string, string>(state.Student.Config, StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["trainer"] = state.Trainer,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = "adamw",
            ["ema"] = state.Ema is null ? "false" : "true",
        };
        foreach (var (key, value) in state.Settings)
        {
            metadata[key] = value;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Restores a checkpoint into a fresh state; returns its step and whether it held a teacher (then copied into
    /// <paramref name="teacher"/>). Strict: trainer, student config and settings must match, every tensor must be there with its shape and dtype; nothing is copied until the whole file has passed
    /// (<see cref="CheckedRestore"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a matching checkpoint; the message names the entry.</exception>
    public static (long Step, bool HadTeacher) Restore(string path, State state, ITrainableDenoiser teacher)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(teacher);
        var header = SafeTensors.ReadHeader(path);
        if (!header.Metadata.TryGetValue("trainer", out var trainer) || trainer != state.Trainer)
        {
            throw new InvalidDataException($"{state.Trainer}: '{path}' is not a {state.Trainer} checkpoint (metadata trainer is '{trainer ?? "absent"}').");
        }

        foreach (var (key, value) in state.Student.Config.Concat(state.Settings))
        {
            if (!header.Metadata.TryGetValue(key, out var inFile) || inFile != value)
            {
                throw new InvalidDataException($"{state.Trainer}: '{path}' was written for a different run: '{key}' is '{inFile ?? "absent"}' in the file but '{value}' now; resume with the same teacher, student and schedule params.");
            }
        }

        var hasEma = header.Metadata.TryGetValue("ema", out var emaFlag) && emaFlag == "true";
        if (hasEma != (state.Ema is not null))
        {
            throw new InvalidDataException($"{state.Trainer}: '{path}' was written with an average {(hasEma ? "on" : "off")} but the params now turn it {(state.Ema is null ? "off" : "on")}; use the same decay setting to resume.");
        }

        var step = CheckedRestore.Step(header.Metadata, path, state.Trainer);
        var stored = SafeTensors.Load(path);
        try
        {
            var restore = new CheckedRestore(stored, path, state.Trainer);
            restore.Tensors("network.", state.Student.Network.state_dict());
            if (state.Ema is not null)
            {
                restore.Tensors("ema.", state.Ema.Shadow.state_dict());
            }

            bool hadTeacher = stored.Keys.Any(k => k.StartsWith("teacher.", StringComparison.Ordinal));
            if (hadTeacher)
            {
                restore.Tensors("teacher.", teacher.Network.state_dict());
            }

            restore.Optimizer("optimizer", state.Optimizer, state.ParameterNames);
            restore.RandomState(state.Random);
            restore.Apply();
            return (step, hadTeacher);
        }
        finally
        {
            foreach (var tensor in stored.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
