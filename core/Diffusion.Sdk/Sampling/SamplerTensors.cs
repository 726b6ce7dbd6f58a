using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sdk;

/// <summary>
/// The tensors a sampler loop creates besides its math: the starting sample, step noise and time inputs. Noise is drawn
/// on the CPU from the request's generator in the loop dtype (diffusers' <c>randn_tensor</c>) and then moved, so a seed
/// gives the same numbers on every device.
/// </summary>
public static class SamplerTensors
{
    /// <summary>
    /// A fresh x at the schedule's first level, owned by the caller: a copy of <see cref="SamplingRequest.InitialSample"/>;
    /// else <see cref="SamplingRequest.Source"/> noised to that level in <paramref name="space"/>; else
    /// randn(shape) · <paramref name="initNoiseSigma"/>.
    /// </summary>
    public static Tensor Initial(SamplingRequest request, double initNoiseSigma, SampleSpace space = SampleSpace.Marginal)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var scope = NewDisposeScope();
        Tensor x;
        if (request.InitialSample is { } given)
        {
            x = given.to(request.DType, request.Device, copy: true);
        }
        else if (request.Source is { } source)
        {
            x = Noised(request, source.to(request.DType, request.Device), Noise(request), space);
        }
        else
        {
            x = Noise(request) * initNoiseSigma;
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Standard normal noise of the request's shape, in the loop dtype unless <paramref name="dtype"/> is given.</summary>
    public static Tensor Noise(SamplingRequest request, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var noise = randn([.. request.Shape], dtype ?? request.DType, generator: request.Generator);
        return request.Device.type == DeviceType.CPU ? noise : noise.to(request.Device);
    }

    /// <summary>The model time for every batch item.</summary>
    public static Tensor Time(SamplingRequest request, double value)
    {
        ArgumentNullException.ThrowIfNull(request);
        return full(request.Shape[0], (float)value, float32, request.Device);
    }

    /// <summary>
    /// Disposes the previous loop tensor and takes the next: the end of one sampler step. It also counts the step for
    /// <see cref="NativeObjectReclaimer.Tick"/>, which frees the native scalars TorchSharp leaves to finalizers
    /// (<c>0.5 * x</c>), so a sampler driven directly through <see cref="ISampler.Sample"/> keeps a flat resident size.
    /// </summary>
    public static void Replace(ref Tensor x, Tensor next)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.Dispose();
        x = next;
        NativeObjectReclaimer.Tick();
    }

    private static Tensor Noised(SamplingRequest request, Tensor source, Tensor noise, SampleSpace space)
    {
        var schedule = request.Schedule;
        if (space == SampleSpace.SigmaScaled)
        {
            if (schedule.Sigmas.Count == 0)
            {
                throw new NotSupportedException("Starting from a source sample in sigma space needs a schedule with sigmas; use scheduler.discrete.");
            }

            // diffusers' Euler-family add_noise: x = x_0 + σ ε at the first kept step.
            return source + noise * (float)schedule.Sigmas[0];
        }

        var time = tensor(new[] { schedule.Timesteps[0] }, float64);
        return request.Scheduler.AddNoise(source, noise, time.to(request.Device));
    }
}
