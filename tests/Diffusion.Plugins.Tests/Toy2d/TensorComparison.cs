using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Toy2d;

/// <summary>Exact tensor comparison for assertions (TorchSharp's Tensor.equal is element-wise).</summary>
internal static class TensorComparison
{
    public static bool Exactly(this Tensor actual, Tensor expected) =>
        actual.shape.SequenceEqual(expected.shape) && actual.dtype == expected.dtype && actual.eq(expected).all().item<bool>();
}
