using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>The MLP activations of CLIP text encoders, by transformers' <c>hidden_act</c> name.</summary>
public static class ClipActivation
{
    /// <summary>The supported names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh"];

    /// <summary>Whether <paramref name="name"/> is supported.</summary>
    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>
    /// Applies the activation: quick_gelu x·σ(1.702 x) (Hendrycks &amp; Gimpel 2016, §2, the sigmoid approximation
    /// OpenAI CLIP trained with); gelu the exact x·Φ(x); gelu_new / gelu_pytorch_tanh the tanh approximation
    /// 0.5 x (1 + tanh(sqrt(2/π)(x + 0.044715 x³))) (same paper, §2).
    /// </summary>
    public static Tensor Apply(string name, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var y = name switch
        {
            "quick_gelu" => x * (1.702 * x).sigmoid(),
            "gelu" => nn.functional.gelu(x),
            "gelu_new" or "gelu_pytorch_tanh" => 0.5 * x * (1.0 + (Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh()),
            _ => throw new ArgumentException($"Unknown CLIP activation '{name}'; supported: {string.Join(", ", Names)}.", nameof(name)),
        };
        return y.MoveToOuterDisposeScope();
    }
}
