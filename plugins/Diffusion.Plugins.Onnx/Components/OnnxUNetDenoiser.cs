using Diffusion.Contracts;
using Diffusion.Onnx;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Onnx;

/// <summary>
/// A Stable Diffusion UNet exported to ONNX (diffusers' and OnnxStack's layout: inputs <c>sample</c> [b, c, h, w],
/// <c>timestep</c>, <c>encoder_hidden_states</c> [b, tokens, d]; output <c>out_sample</c>) as an <see cref="IDenoiser"/>.
/// Latents and text tokens are passed to ONNX Runtime without copies when they already are contiguous CPU tensors of the
/// graph's element type, and the prediction is written straight into a tensor of the sample's shape. The timestep is
/// cast to the graph's type (int64 in diffusers' exports: fractional sigma-space times are truncated, as diffusers' ONNX
/// pipeline does) and given per batch item, or once when the graph takes one value. Immutable; concurrent runs share the session.
/// </summary>
public sealed class OnnxUNetDenoiser : IDenoiser
{
    /// <summary>The graph's input and output names.</summary>
    public const string SampleInput = "sample", TimestepInput = "timestep", ContextInput = "encoder_hidden_states", Output = "out_sample";

    private readonly OnnxModel model;
    private readonly OnnxTensorInfo timestep;

    /// <summary>Wraps the UNet graph (taking ownership).</summary>
    /// <param name="model">The session.</param>
    /// <param name="prediction">What it predicts (from the folder's scheduler config).</param>
    /// <param name="latentHeight">Latent rows the sample node draws.</param>
    /// <param name="latentWidth">Latent columns.</param>
    /// <exception cref="InvalidDataException">The graph lacks an input or output, or their ranks are not a UNet's (the message names the file).</exception>
    public OnnxUNetDenoiser(OnnxModel model, PredictionType prediction, long latentHeight, long latentWidth)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sample = model.Input(SampleInput);
        timestep = model.Input(TimestepInput);
        var context = model.Input(ContextInput);
        model.Output(Output);
        if (sample.Dimensions.Count != 4 || sample.Dimensions[1] is not long channels)
        {
            throw new InvalidDataException($"ONNX UNet '{model.Path}': input '{SampleInput}' is {sample.DescribeShape()}; a UNet takes [batch, channels, height, width] with a fixed channel count.");
        }

        if (context.Dimensions.Count != 3 || context.Dimensions[2] is not long width)
        {
            throw new InvalidDataException($"ONNX UNet '{model.Path}': input '{ContextInput}' is {context.DescribeShape()}; a text-conditioned UNet takes [batch, tokens, width] with a fixed width.");
        }

        if (timestep.Dimensions.Count > 1)
        {
            throw new InvalidDataException($"ONNX UNet '{model.Path}': input '{TimestepInput}' is {timestep.DescribeShape()}; expected a scalar or [batch].");
        }

        if (sample.Mismatch([1, channels, latentHeight, latentWidth]) is { } problem && sample.Dimensions[0] is null)
        {
            throw new InvalidDataException($"ONNX UNet '{model.Path}': latents of {latentHeight}x{latentWidth}: input '{SampleInput}' {problem}; choose a size the graph takes.");
        }

        this.model = model;
        Info = new DenoiserInfo
        {
            Prediction = prediction,
            TimeInput = TimeInput.Timestep,
            SampleShape = [channels, latentHeight, latentWidth],
            CrossAttentionDim = (int)width,
        };
    }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <summary>The session (file, provider, declared inputs).</summary>
    public OnnxModel Model => model;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">No encoder hidden states, or their rows fit neither 1 nor the batch.</exception>
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        var context = conditioning?.EncoderHiddenStates
            ?? throw new ArgumentException("denoiser.onnx_unet needs Conditioning.EncoderHiddenStates (text tokens); connect a text conditioner such as conditioner.onnx_clip.");
        using var scope = NewDisposeScope();
        long batch = sample.shape[0];
        if (context.shape[0] != batch)
        {
            context = context.shape[0] == 1
                ? context.expand(batch, -1, -1)
                : throw new ArgumentException($"denoiser.onnx_unet: {context.shape[0]} rows of encoder hidden states for a batch of {batch}; give one row per sample or one for all.");
        }

        var times = time.dim() == 0 ? time.expand(batch) : time;
        if (timestep.Dimensions.Count == 0 || timestep.Dimensions[0] == 1)
        {
            // Graphs exported with one timestep for the whole batch: every item must be at the same time.
            if (batch > 1 && !times.eq(times[0]).all().item<bool>())
            {
                throw new ArgumentException($"ONNX UNet '{model.Path}' takes one timestep for the whole batch, but the batch mixes times.");
            }

            times = timestep.Dimensions.Count == 0 ? times[0] : times.narrow(0, 0, 1);
        }

        var output = model.Output(Output);
        var result = empty(sample.shape, output.ScalarType);
        model.Run(
            [new(SampleInput, sample), new(TimestepInput, times), new(ContextInput, context)],
            [Output],
            new Dictionary<string, Tensor> { [Output] = result });
        return result.to(sample.dtype, sample.device).MoveToOuterDisposeScope();
    }
}
