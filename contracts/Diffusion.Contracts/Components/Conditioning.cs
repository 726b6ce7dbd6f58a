using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Tensors a denoiser is conditioned on. Each field is batch-first; absent fields are null. Immutable: guidance and
/// batching build new instances. Every batch operation goes through <see cref="Map"/> or <see cref="Zip"/>, which list
/// the fields in one place, so a field added here is carried by slicing, expanding and concatenation alike.
/// </summary>
public sealed record Conditioning
{
    /// <summary>Class labels [batch] int64 (the null label is the denoiser's <see cref="DenoiserInfo.NumClasses"/>).</summary>
    public torch.Tensor? ClassLabels { get; init; }

    /// <summary>Token embeddings for cross-attention [batch, tokens, dim] (text encoders).</summary>
    public torch.Tensor? EncoderHiddenStates { get; init; }

    /// <summary>Which tokens of <see cref="EncoderHiddenStates"/> may be attended, [batch, tokens] bool (true = attend); null = all.</summary>
    public torch.Tensor? AttentionMask { get; init; }

    /// <summary>Pooled embeddings [batch, dim] (SDXL-style added conditioning).</summary>
    public torch.Tensor? PooledEmbeddings { get; init; }

    /// <summary>An image or latent the denoiser takes beside x_t [batch, c, h, w] (inpainting, super-resolution).</summary>
    public torch.Tensor? Image { get; init; }

    /// <summary>The batch size, or null when no field is set.</summary>
    public long? BatchSize
    {
        get
        {
            long? size = null;
            Map((t, _) =>
            {
                size ??= t.shape[0];
                return t;
            });
            return size;
        }
    }

    /// <summary>A new conditioning with <paramref name="map"/> applied to every field that is set.</summary>
    /// <param name="map">Gets the field's tensor and its name.</param>
    public Conditioning Map(Func<torch.Tensor, string, torch.Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        torch.Tensor? Apply(torch.Tensor? value, string name) => value is null ? null : map(value, name);
        return new Conditioning
        {
            ClassLabels = Apply(ClassLabels, nameof(ClassLabels)),
            EncoderHiddenStates = Apply(EncoderHiddenStates, nameof(EncoderHiddenStates)),
            AttentionMask = Apply(AttentionMask, nameof(AttentionMask)),
            PooledEmbeddings = Apply(PooledEmbeddings, nameof(PooledEmbeddings)),
            Image = Apply(Image, nameof(Image)),
        };
    }

    /// <summary>
    /// Combines two conditionings field by field; a field set in one but not the other is an error naming it.
    /// </summary>
    public static Conditioning Zip(Conditioning first, Conditioning second, Func<torch.Tensor, torch.Tensor, torch.Tensor> combine)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(combine);
        torch.Tensor? Both(torch.Tensor? a, torch.Tensor? b, string field) => (a, b) switch
        {
            (null, null) => null,
            (not null, not null) => combine(a, b),
            _ => throw new ArgumentException(
                $"Conditioning field {field} is set in one branch but not the other; give both branches the same fields (for guidance: the conditioner's Unconditional)."),
        };
        return new Conditioning
        {
            ClassLabels = Both(first.ClassLabels, second.ClassLabels, nameof(ClassLabels)),
            EncoderHiddenStates = Both(first.EncoderHiddenStates, second.EncoderHiddenStates, nameof(EncoderHiddenStates)),
            AttentionMask = Both(first.AttentionMask, second.AttentionMask, nameof(AttentionMask)),
            PooledEmbeddings = Both(first.PooledEmbeddings, second.PooledEmbeddings, nameof(PooledEmbeddings)),
            Image = Both(first.Image, second.Image, nameof(Image)),
        };
    }

    /// <summary>Stacks two conditionings along the batch (for one classifier-free-guidance call).</summary>
    public static Conditioning Concat(Conditioning first, Conditioning second) =>
        Zip(first, second, (a, b) => torch.cat([a, b], 0));

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of every field.</summary>
    public Conditioning Slice(long start, long count) => Map((t, name) =>
    {
        if (start < 0 || count < 1 || start + count > t.shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Conditioning field {name} has {t.shape[0]} rows; rows [{start}, {start + count}) do not exist.");
        }

        return t.narrow(0, start, count);
    });

    /// <summary>Every field with one row broadcast to <paramref name="batch"/> rows (fields that already have them are kept).</summary>
    public Conditioning Expand(long batch) => Map((t, name) => t.shape[0] == batch ? t
        : t.shape[0] == 1 ? t.expand([batch, .. t.shape[1..]])
        : throw new ArgumentException($"Conditioning field {name} has {t.shape[0]} rows; it can be used for a batch of {batch} only with 1 or {batch} rows."));

    /// <summary>
    /// The rows a chunk [<paramref name="start"/>, +<paramref name="count"/>) of a run of <paramref name="total"/> samples
    /// needs: per-sample fields are sliced, shared fields (one row) are broadcast.
    /// </summary>
    public Conditioning ForChunk(long start, long count, long total) => Map((t, name) =>
        t.shape[0] == total ? (count == total ? t : t.narrow(0, start, count))
        : t.shape[0] == 1 ? t.expand([count, .. t.shape[1..]])
        : throw new ArgumentException($"Conditioning field {name} has {t.shape[0]} rows; a run of {total} samples needs 1 or {total}."));

    /// <summary>Every field moved to <paramref name="device"/>.</summary>
    public Conditioning To(torch.Device device) => Map((t, _) => t.to(device));
}
