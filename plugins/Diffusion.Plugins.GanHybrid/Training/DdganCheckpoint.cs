using System.Globalization;
using Diffusion.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The safetensors layout of a <c>train.ddgan</c> checkpoint (docs/checkpoints.md). With <c>{g}</c> a generator and
/// <c>{d}</c> a discriminator state-dict key: <c>network.{g}</c> the trained generator, <c>ema.{g}</c> its EMA (EMA on),
/// <c>discriminator.{d}</c>, AdamW states <c>optimizer_g.{g}.*</c> and <c>optimizer_d.{d}.*</c> (exp_avg, exp_avg_sq,
/// step), <c>generator.state</c> the training CPU generator. Metadata: the generator's Config, <c>format</c> =
/// <c>diffusion.training_checkpoint</c>, <c>trainer</c> = <c>ddgan</c>, <c>step</c>, <c>ema</c>, and the
/// discriminator's settings (<c>disc_*</c>). <c>denoiser.ddgan</c> loads such a file as a generator (EMA weights first).
/// </summary>
public static class DdganCheckpoint
{
    /// <summary>The training state a checkpoint holds.</summary>
    public sealed record State(
        DdganGenerator Generator,
        WeightAverage? Ema,
        Discriminator Discriminator,
        AdamW GeneratorOptimizer,
        IReadOnlyList<string> GeneratorNames,
        AdamW DiscriminatorOptimizer,
        IReadOnlyList<string> DiscriminatorNames,
        Generator Random,
        IReadOnlyDictionary<string, string> DiscriminatorConfig);

    /// <summary>Writes a checkpoint atomically.</summary>
    public static void Save(string path, State state, long step)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state.Generator.Network.state_dict())
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

        foreach (var (name, tensor) in state.Discriminator.state_dict())
        {
            tensors[$"discriminator.{name}"] = tensor;
        }

        OptimizerCheckpoint.Write(tensors, "optimizer_g", state.GeneratorOptimizer, state.GeneratorNames);
        OptimizerCheckpoint.Write(tensors, "optimizer_d", state.DiscriminatorOptimizer, state.DiscriminatorNames);
        tensors["generator.state"] = state.Random.get_state();
        var metadata = new Dictionary<string, string>(state.Generator.Config, StringComparer.Ordinal)
        {
            ["format"] = DdganGenerator.TrainingFormat,
            ["trainer"] = "ddgan",
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = "adamw",
            ["ema"] = state.Ema is null ? "false" : "true",
        };
        foreach (var (key, value) in state.DiscriminatorConfig)
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
    /// Restores a checkpoint into a fresh training state and returns its step; strict about configs, shapes and dtypes,
    /// and nothing is copied until the whole file has passed (<see cref="CheckedRestore"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a matching train.ddgan checkpoint; the message names the entry.</exception>
    public static long Restore(string path, State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var header = SafeTensors.ReadHeader(path);
        if (!header.Metadata.TryGetValue("trainer", out var trainer) || trainer != "ddgan")
        {
            throw new InvalidDataException($"train.ddgan: '{path}' is not a train.ddgan checkpoint (metadata trainer is '{trainer ?? "absent"}').");
        }

        foreach (var (key, value) in state.Generator.Config.Concat(state.DiscriminatorConfig))
        {
            // Checkpoints written before the positional encodings and the minibatch-std channel existed had neither (0).
            var inFile = header.Metadata.TryGetValue(key, out var fileValue) ? fileValue : key is "fourier_features" or "disc_fourier_features" or "disc_minibatch_std" ? "0" : null;
            if (inFile != value)
            {
                throw new InvalidDataException($"train.ddgan: '{path}' was written for a different setup: '{key}' is '{inFile ?? "absent"}' in the file but '{value}' now; link the same generator and keep the disc_* params to resume.");
            }
        }

        var hasEma = header.Metadata.TryGetValue("ema", out var emaFlag) && emaFlag == "true";
        if (hasEma != (state.Ema is not null))
        {
            throw new InvalidDataException($"train.ddgan: '{path}' was written with EMA {(hasEma ? "on" : "off")} but ema_decay now turns it {(state.Ema is null ? "off" : "on")}; use the same ema_decay setting to resume.");
        }

        var step = CheckedRestore.Step(header.Metadata, path, "train.ddgan");
        var stored = SafeTensors.Load(path);
        try
        {
            var restore = new CheckedRestore(stored, path, "train.ddgan");
            restore.Tensors("network.", state.Generator.Network.state_dict());
            if (state.Ema is not null)
            {
                restore.Tensors("ema.", state.Ema.Shadow.state_dict());
            }

            restore.Tensors("discriminator.", state.Discriminator.state_dict());
            restore.Optimizer("optimizer_g", state.GeneratorOptimizer, state.GeneratorNames);
            restore.Optimizer("optimizer_d", state.DiscriminatorOptimizer, state.DiscriminatorNames);
            restore.RandomState(state.Random);
            restore.Apply();
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
}
