using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Training;

/// <summary>
/// An exponential moving average of a network's weights (Polyak averaging; as diffusers' <c>EMAModel</c>):
/// shadow ← shadow − (1 − d)(shadow − θ) after every optimisation step, with d from <see cref="Decay"/>.
/// </summary>
public sealed class ExponentialMovingAverage
{
    private readonly double maxDecay;
    private readonly string warmup;

    /// <summary>Creates the average with <paramref name="shadow"/> (a replicate of the network) as its starting value.</summary>
    public ExponentialMovingAverage(ITrainableDenoiser shadow, double maxDecay, string warmup)
    {
        ArgumentNullException.ThrowIfNull(shadow);
        Shadow = shadow;
        this.maxDecay = maxDecay;
        this.warmup = warmup;
    }

    /// <summary>The averaged network (eval mode).</summary>
    public ITrainableDenoiser Shadow { get; }

    /// <summary>
    /// The decay after optimisation step <paramref name="optimizationStep"/> (1-based), diffusers EMAModel.get_decay
    /// with update_after_step 0 and inv_gamma 1: s = step − 1; 0 when s ≤ 0; else
    /// power: 1 − (1 + s)^(−2/3) (Karras-style warm-up), simple: (1 + s)/(10 + s), none: the decay; capped at the decay.
    /// </summary>
    public double Decay(long optimizationStep)
    {
        var s = optimizationStep - 1;
        if (s <= 0)
        {
            return 0.0;
        }

        var decay = warmup switch
        {
            "power" => 1 - Math.Pow(1 + s, -2.0 / 3.0),
            "simple" => (1.0 + s) / (10.0 + s),
            _ => maxDecay,
        };
        return Math.Min(decay, maxDecay);
    }

    /// <summary>Moves the shadow towards <paramref name="network"/>'s weights after optimisation step <paramref name="optimizationStep"/>.</summary>
    public void Update(TorchSharp.torch.nn.Module network, long optimizationStep)
    {
        ArgumentNullException.ThrowIfNull(network);
        var oneMinusDecay = 1 - Decay(optimizationStep);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var current = network.state_dict();
        foreach (var (name, shadow) in Shadow.Network.state_dict())
        {
            shadow.sub_((shadow - current[name]) * oneMinusDecay);
        }
    }
}
