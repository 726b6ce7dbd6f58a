using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>What <see cref="ClipTextModel"/> returns; owns both tensors.</summary>
/// <param name="LastHiddenState">Token embeddings after the final layer norm [b, n, d] (what Stable Diffusion's UNet attends to).</param>
/// <param name="PoolerOutput">The final-normed embedding of each sequence's end token [b, d].</param>
public sealed record ClipTextOutput(Tensor LastHiddenState, Tensor PoolerOutput) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
    }
}
