using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Loads safetensors weights into a module by state-dict name, strictly: every parameter and buffer of the module
/// must be in the file with the same shape, and the file may hold nothing else. All mismatches are reported at once.
/// </summary>
public static class StateDictLoader
{
    /// <summary>Copies the tensors of <paramref name="path"/> into <paramref name="module"/> (converting dtype to the module's).</summary>
    /// <exception cref="InvalidDataException">
    /// The file is unreadable, truncated or corrupt, or its names/shapes do not match the module; the message lists each
    /// missing, unexpected or mis-shaped tensor with expected and found shapes, and the file.
    /// </exception>
    public static void Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);

        // SafeTensors says "does not exist", "is a directory" or "is a FIFO" itself, without opening anything but a file.
        IReadOnlyDictionary<string, Tensor> tensors;
        try
        {
            tensors = SafeTensors.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot load weights from '{path}': {e.Message} The file may be truncated or not a safetensors file; download or save it again.", e);
        }

        try
        {
            Load(module, tensors, path);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Copies <paramref name="tensors"/> into <paramref name="module"/>; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="InvalidDataException">Names or shapes do not match.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var expected = module.state_dict();
        var problems = new List<string>();
        foreach (var (name, target) in expected)
        {
            if (!tensors.TryGetValue(name, out var found))
            {
                problems.Add($"missing '{name}' (expected shape {Shape(target.shape)})");
            }
            else if (!target.shape.SequenceEqual(found.shape))
            {
                problems.Add($"'{name}' has shape {Shape(found.shape)}, expected {Shape(target.shape)}");
            }
        }

        foreach (var name in tensors.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Add($"unexpected '{name}' (shape {Shape(tensors[name].shape)})");
        }

        if (problems.Count > 0)
        {
            const int shown = 20;
            var listed = string.Join("; ", problems.Take(shown)) + (problems.Count > shown ? $"; and {problems.Count - shown} more" : "");
            throw new InvalidDataException(
                $"Weights in '{source}' do not match the {module.GetName()} architecture ({problems.Count} problem(s)): {listed}. " +
                "Check that the config matches the checkpoint.");
        }

        using (no_grad())
        {
            foreach (var (name, target) in expected)
            {
                using var converted = tensors[name].to(target.dtype, target.device);
                target.copy_(converted);
            }
        }
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
