using static TorchSharp.torch;

namespace Diffusion.Torch;

/// <summary>
/// An exponential moving average of a network's weights with a constant decay d (Polyak averaging: DDGAN's EMA
/// optimizer wrapper; the target network θ⁻ ← μ θ⁻ + (1 − μ) θ of consistency distillation): shadow ← shadow − (1 − d)(shadow − θ) after every step. Buffers are copied.
/// </summary>
public sealed class WeightAverage
{
    private readonly double decay;

    /// <summary>Averages into <paramref name="shadow"/> (a replicate of the trained network) with decay <paramref name="decay"/>.</summary>
    public WeightAverage(nn.Module shadow, double decay)
    {
        ArgumentNullException.ThrowIfNull(shadow);
        Shadow = shadow;
        this.decay = decay;
    }

    /// <summary>The averaged network.</summary>
    public nn.Module Shadow { get; }

    /// <summary>Moves the shadow towards <paramref name="network"/>.</summary>
    public void Update(nn.Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var current = network.state_dict();
        foreach (var (name, shadow) in Shadow.state_dict())
        {
            if (shadow.is_floating_point())
            {
                shadow.sub_((shadow - current[name]) * (1 - decay));
            }
            else
            {
                shadow.copy_(current[name]);
            }
        }
    }
}
