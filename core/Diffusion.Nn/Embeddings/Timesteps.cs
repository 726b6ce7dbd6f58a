using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Sinusoidal timestep features (Vaswani et al. 2017, "Attention is all you need", §3.5, as used by Ho et al. 2020,
/// DDPM, appendix B): for i in [0, d/2), ω_i = exp(−ln(maxPeriod) · i / (d/2 − freqShift)), features
/// [sin(t ω), cos(t ω)], or [cos, sin] with <c>flip_sin_to_cos</c>. Matches diffusers' <c>Timesteps</c> /
/// <c>get_timestep_embedding</c>; it has no parameters.
/// </summary>
public sealed class Timesteps : nn.Module<Tensor, Tensor>
{
    private readonly int numChannels;
    private readonly bool flipSinToCos;
    private readonly double downscaleFreqShift;
    private readonly double maxPeriod;

    /// <summary>Creates the projection.</summary>
    /// <param name="numChannels">Output width d.</param>
    /// <param name="flipSinToCos">Put the cosines first (diffusers' <c>flip_sin_to_cos</c>).</param>
    /// <param name="downscaleFreqShift">diffusers' <c>freq_shift</c>: the denominator is d/2 − shift.</param>
    /// <param name="maxPeriod">The longest period, 10000 in DDPM.</param>
    public Timesteps(int numChannels, bool flipSinToCos, double downscaleFreqShift, double maxPeriod = 10000)
        : base(nameof(Timesteps))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numChannels);
        this.numChannels = numChannels;
        this.flipSinToCos = flipSinToCos;
        this.downscaleFreqShift = downscaleFreqShift;
        this.maxPeriod = maxPeriod;
        RegisterComponents();
    }

    /// <summary>Features [batch, d] for timesteps [batch] (any numeric dtype, fractional allowed).</summary>
    public override Tensor forward(Tensor timesteps)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        using var scope = NewDisposeScope();
        int half = numChannels / 2;
        var exponent = -Math.Log(maxPeriod) * arange(0, half, ScalarType.Float32, timesteps.device) / (half - downscaleFreqShift);
        var omega = exponent.exp();
        var angles = timesteps.to(ScalarType.Float32).unsqueeze(1) * omega.unsqueeze(0);
        var features = flipSinToCos
            ? cat([angles.cos(), angles.sin()], -1)
            : cat([angles.sin(), angles.cos()], -1);
        if (numChannels % 2 == 1)
        {
            features = nn.functional.pad(features, [0, 1]);
        }

        return features.MoveToOuterDisposeScope();
    }
}
