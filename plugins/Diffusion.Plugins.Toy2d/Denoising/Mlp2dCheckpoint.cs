using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// Reads and writes <see cref="Mlp2dDenoiser"/> weights as safetensors. Two layouts are read: a denoiser file (keys
/// are the state-dict keys, metadata is the denoiser's Config) and a <c>train.denoising</c> checkpoint (metadata
/// <c>format = diffusion.training_checkpoint</c>; weights under <c>ema.</c>, preferred, or <c>network.</c>).
/// Loading is strict: a missing, unexpected or mis-shaped tensor is an error naming it and both shapes.
/// </summary>
public static class Mlp2dCheckpoint
{
    /// <summary>The metadata key saying which layout a file has.</summary>
    public const string FormatKey = "format";

    /// <summary>The format value of a denoiser file.</summary>
    public const string DenoiserFormat = "diffusion.denoiser";

    /// <summary>The format value of a training checkpoint.</summary>
    public const string TrainingFormat = "diffusion.training_checkpoint";

    /// <summary>Writes <paramref name="network"/>'s state dict with <paramref name="config"/> as metadata.</summary>
    public static void Write(string path, nn.Module network, IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(network);
        var metadata = new Dictionary<string, string>(config, StringComparer.Ordinal) { [FormatKey] = DenoiserFormat };
        SafeTensors.Save(path, network.state_dict(), metadata);
    }

    /// <summary>The architecture and the weights (state-dict keys, CPU; caller disposes) stored in <paramref name="path"/>.</summary>
    public static (Mlp2dOptions Options, IReadOnlyDictionary<string, Tensor> Weights) Read(string path)
    {
        // SafeTensors reports a missing file, a folder, a FIFO or a device itself (nothing but a regular file is opened).
        var header = SafeTensors.ReadHeader(path);
        var options = Mlp2dDenoiser.OptionsFromConfig(header.Metadata, path);
        var all = SafeTensors.Load(path);
        if (!header.Metadata.TryGetValue(FormatKey, out var format) || format != TrainingFormat)
        {
            return (options, all);
        }

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

        return (options, weights);
    }

    /// <summary>Copies <paramref name="weights"/> into <paramref name="network"/>, strictly.</summary>
    public static void CopyInto(nn.Module network, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(weights);
        var expected = network.state_dict();
        var problems = new List<string>();
        foreach (var (name, tensor) in expected)
        {
            if (!weights.TryGetValue(name, out var stored))
            {
                problems.Add($"tensor '{name}' is missing (expected shape [{string.Join(", ", tensor.shape)}])");
            }
            else if (!stored.shape.SequenceEqual(tensor.shape))
            {
                problems.Add($"tensor '{name}' has shape [{string.Join(", ", stored.shape)}] in the file but the network expects [{string.Join(", ", tensor.shape)}]");
            }
        }

        problems.AddRange(weights.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"tensor '{k}' is not a parameter of the network (shape [{string.Join(", ", weights[k].shape)}])"));
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{source}: checkpoint does not match {Mlp2dDenoiser.NodeTypeName}: {string.Join("; ", problems)}.");
        }

        using var noGrad = no_grad();
        foreach (var (name, tensor) in expected)
        {
            tensor.copy_(weights[name]);
        }
    }
}
