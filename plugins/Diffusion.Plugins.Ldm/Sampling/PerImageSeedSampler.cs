using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// Runs another sampler once per image, each with a CPU generator of its own seed — diffusers' list of generators
/// (<c>generator=[torch.Generator().manual_seed(s) for s in seeds]</c>), where every image's initial latents and step
/// noise come from its own generator. Image i therefore equals a single-image run with seed i, whatever the batch; the
/// request's batch must have one row per seed. The conditioning rows are handed to each image's run.
/// </summary>
public sealed class PerImageSeedSampler : ISampler
{
    private readonly ISampler inner;
    private readonly long[] seeds;

    /// <summary>Wraps <paramref name="inner"/> with <paramref name="seeds"/>, one per image.</summary>
    public PerImageSeedSampler(ISampler inner, IReadOnlyList<long> seeds)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("sampler.per_image_seeds needs at least one seed.", nameof(seeds));
        }

        this.inner = inner;
        this.seeds = [.. seeds];
        Info = inner.Info with { Name = inner.Info.Name };
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The batch is not one row per seed.</exception>
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long batch = request.Shape[0];
        if (batch != seeds.Length)
        {
            throw new ArgumentException(
                $"sampler.per_image_seeds has {seeds.Length} seeds but the sample node asked for {batch} images at once; set the sample node's count to {seeds.Length} and its batch_size to 0.");
        }

        var images = new List<Tensor>(seeds.Length);
        int nfe = 0, steps = 0;
        try
        {
            for (int i = 0; i < seeds.Length; i++)
            {
                using var generator = new Generator((ulong)seeds[i], CPU);
                var one = request with
                {
                    Shape = [1, .. request.Shape.Skip(1)],
                    Generator = generator,
                    InitialSample = request.InitialSample?.narrow(0, i, 1),
                    Source = request.Source is { } source ? source.narrow(0, source.shape[0] == 1 ? 0 : i, 1) : null,
                    Conditioning = request.Conditioning?.ForChunk(i, 1, batch),
                    Unconditional = request.Unconditional?.ForChunk(i, 1, batch),
                };
                var result = inner.Sample(one);
                images.Add(result.Samples);
                nfe += result.FunctionEvaluations;
                steps += result.Steps;
            }

            return new SamplingResult(cat(images, 0), nfe, steps);
        }
        finally
        {
            images.ForEach(t => t.Dispose());
        }
    }
}
