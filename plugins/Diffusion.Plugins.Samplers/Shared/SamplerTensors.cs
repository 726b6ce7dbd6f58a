using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Shared;

/// <summary>
/// The tensors a sampler loop creates besides its math: the starting sample, step noise and time inputs. Noise is drawn
/// on the CPU from the request's generator in the loop dtype (diffusers' <c>randn_tensor</c>) and then moved.
/// </summary>
internal static class SamplerTensors
{
    /// <summary>A fresh x_T owned by the caller: a copy of the request's initial sample, or randn(shape) · scale.</summary>
    public static Tensor Initial(SamplingRequest request, double initNoiseSigma)
    {
        using var scope = NewDisposeScope();
        var x = request.InitialSample is { } given
            ? given.to(request.DType, request.Device, copy: true)
            : Noise(request) * initNoiseSigma;
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Standard normal noise of the request's shape, in the loop dtype unless <paramref name="dtype"/> is given.</summary>
    public static Tensor Noise(SamplingRequest request, ScalarType? dtype = null)
    {
        var noise = randn([.. request.Shape], dtype ?? request.DType, generator: request.Generator);
        return request.Device.type == DeviceType.CPU ? noise : noise.to(request.Device);
    }

    /// <summary>The model time for every batch item.</summary>
    public static Tensor Time(SamplingRequest request, double value) =>
        full(request.Shape[0], (float)value, float32, request.Device);

    /// <summary>Disposes the previous loop tensor and takes the next.</summary>
    public static void Replace(ref Tensor x, Tensor next)
    {
        x.Dispose();
        x = next;
    }
}
