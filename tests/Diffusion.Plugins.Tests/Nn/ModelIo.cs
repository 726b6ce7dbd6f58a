using Diffusion.Torch;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>
/// A fixture's io.safetensors: <c>in.*</c> inputs and <c>out.*</c> reference outputs. Records which entries a test
/// used, so a fixture with an input or output the test does not understand fails instead of passing unchecked.
/// </summary>
public sealed class ModelIo : IDisposable
{
    private readonly IReadOnlyDictionary<string, Tensor> tensors;
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public ModelIo(string folder)
    {
        Folder = folder;
        tensors = SafeTensors.Load(Path.Combine(folder, "io.safetensors"));
    }

    public string Folder { get; }

    /// <summary>The largest relative error of each compared output, by name.</summary>
    public Dictionary<string, double> Errors { get; } = new(StringComparer.Ordinal);

    public Tensor Input(string name) => Take($"in.{name}");

    public Tensor? OptionalInput(string name) => tensors.ContainsKey($"in.{name}") ? Take($"in.{name}") : null;

    public bool HasOutput(string name) => tensors.ContainsKey($"out.{name}");

    public bool HasInput(string name) => tensors.ContainsKey($"in.{name}");

    /// <summary>Compares output <paramref name="name"/> when the fixture has it (the unused-entry check catches the rest).</summary>
    public void CompareIfPresent(string name, Tensor ours)
    {
        if (HasOutput(name))
        {
            Compare(name, ours);
        }
    }

    /// <summary>A reference output, to build an expected value from.</summary>
    public Tensor Reference(string name) => Take($"out.{name}");

    /// <summary>max |ours − reference| / max |reference| for output <paramref name="name"/>, recorded in <see cref="Errors"/>.</summary>
    public double Compare(string name, Tensor ours)
    {
        var reference = Take($"out.{name}");
        ours.shape.Should().Equal(reference.shape, $"{Path.GetFileName(Folder)}: output '{name}' shape");
        double error = RelativeError(ours, reference);
        Errors[name] = error;
        return error;
    }

    /// <summary>Entries of the file no test step used.</summary>
    public IReadOnlyList<string> Unused => tensors.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();

    public static double RelativeError(Tensor ours, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var a = ours.detach().to(float64).cpu();
        var b = reference.to(float64).cpu();
        double scale = b.abs().max().item<double>();
        return (a - b).abs().max().item<double>() / Math.Max(scale, 1e-12);
    }

    public void Dispose()
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    private Tensor Take(string key)
    {
        if (!tensors.TryGetValue(key, out var tensor))
        {
            throw new KeyNotFoundException($"{Folder}/io.safetensors has no '{key}' (has: {string.Join(", ", tensors.Keys.Order(StringComparer.Ordinal))}).");
        }

        used.Add(key);
        return tensor;
    }
}
