namespace Diffusion.Nn;

/// <summary>How a ResNet block injects the time embedding (diffusers' <c>resnet_time_scale_shift</c>).</summary>
public enum ResnetTimeConditioning
{
    /// <summary><c>"default"</c>: h = h + W·temb before the second norm (Ho et al. 2020).</summary>
    Default,

    /// <summary><c>"scale_shift"</c>: h = norm(h)·(1 + s) + b with [s, b] = W·temb (Dhariwal &amp; Nichol 2021, AdaGN).</summary>
    ScaleShift,
}
