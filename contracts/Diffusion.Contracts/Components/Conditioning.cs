using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Tensors a denoiser is conditioned on. Each field is batch-first; absent fields are null. Immutable: guidance builds
/// new instances rather than changing one.
/// </summary>
public sealed record Conditioning
{
    /// <summary>Class labels [batch] int64 (the null label is the denoiser's <see cref="DenoiserInfo.NumClasses"/>).</summary>
    public torch.Tensor? ClassLabels { get; init; }

    /// <summary>Token embeddings for cross-attention [batch, tokens, dim] (text encoders).</summary>
    public torch.Tensor? EncoderHiddenStates { get; init; }

    /// <summary>Pooled embeddings [batch, dim] (SDXL-style added conditioning).</summary>
    public torch.Tensor? PooledEmbeddings { get; init; }

    /// <summary>An image or latent the denoiser takes beside x_t [batch, c, h, w] (inpainting, super-resolution).</summary>
    public torch.Tensor? Image { get; init; }

    /// <summary>
    /// Stacks two conditionings along the batch (for one classifier-free-guidance call); fields present in one must be
    /// present in both.
    /// </summary>
    public static Conditioning Concat(Conditioning first, Conditioning second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new Conditioning
        {
            ClassLabels = Cat(first.ClassLabels, second.ClassLabels, nameof(ClassLabels)),
            EncoderHiddenStates = Cat(first.EncoderHiddenStates, second.EncoderHiddenStates, nameof(EncoderHiddenStates)),
            PooledEmbeddings = Cat(first.PooledEmbeddings, second.PooledEmbeddings, nameof(PooledEmbeddings)),
            Image = Cat(first.Image, second.Image, nameof(Image)),
        };
    }

    private static torch.Tensor? Cat(torch.Tensor? a, torch.Tensor? b, string field) => (a, b) switch
    {
        (null, null) => null,
        (not null, not null) => torch.cat([a, b], 0),
        _ => throw new ArgumentException($"Conditioning field {field} is set in one branch of guidance but not the other."),
    };
}
