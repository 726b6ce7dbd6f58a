using Diffusion.Contracts;
using Diffusion.Nn;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// Stable Diffusion's text-conditioned UNet (<see cref="UNet2DConditionModel"/>) as an <see cref="IDenoiser"/>: it
/// predicts ε (or v, or x₀) for latents at a discrete timestep from <see cref="Conditioning.EncoderHiddenStates"/>
/// (a text conditioner's tokens; one row broadcasts over the batch). Class labels pass through when the UNet has a
/// class table (e.g. the x4 upscaler's noise levels). Immutable; runs without autograd; safe to call from concurrent runs.
/// </summary>
public sealed class UNet2DConditionDenoiser : IDenoiser
{
    private readonly UNet2DConditionModel model;

    /// <summary>Wraps <paramref name="model"/> (taking ownership) with what it predicts.</summary>
    /// <param name="model">The network.</param>
    /// <param name="prediction">What it predicts.</param>
    /// <param name="latentSize">Latent [height, width] to draw; null takes the config's sample_size.</param>
    public UNet2DConditionDenoiser(UNet2DConditionModel model, PredictionType prediction, IReadOnlyList<long>? latentSize = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        var config = model.Config;
        Info = new DenoiserInfo
        {
            Prediction = prediction,
            TimeInput = TimeInput.Timestep,
            SampleShape = latentSize is [long h, long w] ? [config.InChannels, h, w]
                : config.SampleSize is [int height, int width] ? [config.InChannels, height, width] : [config.InChannels],
            CrossAttentionDim = config.CrossAttentionDim[0],
        };
    }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <summary>The network.</summary>
    public UNet2DConditionModel Network => model;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">No encoder hidden states, or their batch fits neither 1 nor the sample's.</exception>
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        var context = conditioning?.EncoderHiddenStates
            ?? throw new ArgumentException(
                "denoiser.unet2d_condition needs Conditioning.EncoderHiddenStates (text tokens); connect a text conditioner such as conditioner.clip_text.");

        // Sampling never needs gradients; without no_grad every step would keep the graph of all earlier ones alive.
        using var gradMode = no_grad();
        using var scope = NewDisposeScope();
        long batch = sample.shape[0];
        if (context.shape[0] != batch)
        {
            context = context.shape[0] == 1
                ? context.expand(batch, -1, -1)
                : throw new ArgumentException(
                    $"denoiser.unet2d_condition: {context.shape[0]} rows of encoder hidden states for a batch of {batch}; give one row per sample or one for all.");
        }

        // The network computes in its own dtype (float32 weights, also from fp16 files); results come back in the sample's.
        var weights = model.parameters().First();
        var labels = conditioning.ClassLabels?.to(weights.device);
        var output = model.Forward(sample.to(weights.dtype, weights.device), time.to(weights.device), context.to(weights.dtype, weights.device), labels);
        return output.to(sample.dtype, sample.device).MoveToOuterDisposeScope();
    }
}
