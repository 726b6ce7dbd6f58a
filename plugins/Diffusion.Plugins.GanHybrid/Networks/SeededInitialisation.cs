using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// Reproducible weight initialisation from a CPU generator, in state-dict order, never touching the process-wide RNG:
/// linear and convolution weights and their biases U(−1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's defaults for
/// nn.Linear/nn.Conv2d), embeddings N(0, 1), normalisation gains 1 and shifts 0. Parameters named in
/// <c>zeroed</c> start at 0 (modulation layers that should start as the identity).
/// </summary>
public static class SeededInitialisation
{
    /// <summary>Initialises every parameter of <paramref name="module"/>.</summary>
    public static void Apply(nn.Module module, Generator generator, Func<string, bool>? zeroed = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(generator);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var parameters = module.named_parameters().ToList();
        var byName = parameters.ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            Tensor value;
            if (zeroed?.Invoke(name) == true)
            {
                value = zeros(parameter.shape, ScalarType.Float32);
            }
            else if (name.Contains("embedding", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal))
            {
                value = randn(parameter.shape, dtype: ScalarType.Float32, generator: generator);
            }
            else
            {
                var weight = name.EndsWith(".bias", StringComparison.Ordinal) && byName.TryGetValue(name[..^".bias".Length] + ".weight", out var w) ? w : parameter;
                if (weight.dim() < 2)
                {
                    // A lone 1-D weight (a norm's gain) starts at 1, its bias at 0.
                    value = name.EndsWith(".bias", StringComparison.Ordinal) ? zeros(parameter.shape, ScalarType.Float32) : ones(parameter.shape, ScalarType.Float32);
                }
                else
                {
                    long fanIn = weight.shape[1];
                    for (int d = 2; d < weight.dim(); d++)
                    {
                        fanIn *= weight.shape[d];
                    }

                    var bound = 1.0 / Math.Sqrt(fanIn);
                    value = ((rand(parameter.shape, dtype: ScalarType.Float32, generator: generator) * 2) - 1) * bound;
                }
            }

            parameter.copy_(value);
        }
    }
}
