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

    private const string Label = "train.denoising";

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

        OptimizerCheckpoint.Write(tensors, "optimizer", optimizer, [.. parameters.Select(p => p.Name)]);

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

        var step = CheckedRestore.Step(header.Metadata, path, Label);
        var stored = SafeTensors.Load(path);
        try
        {
            // Check everything first, then copy: a file that fails halfway must not leave a half-restored state.
            var restore = new CheckedRestore(stored, path, Label);
            restore.Tensors("network.", model.Network.state_dict());
            if (ema is not null)
            {
                restore.Tensors("ema.", ema.Shadow.Network.state_dict());
            }

            restore.Optimizer("optimizer", optimizer, [.. parameters.Select(p => p.Name)]);
            restore.RandomState(generator);
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
