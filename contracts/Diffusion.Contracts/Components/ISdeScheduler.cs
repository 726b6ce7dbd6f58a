using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// A continuous-time schedule given as an SDE dx = f(x, t) dt + g(t) dw on t in [ε, T] (Song et al. 2021, Eq. 5),
/// for predictor-corrector and probability-flow samplers.
/// </summary>
public interface ISdeScheduler : IScheduler
{
    /// <summary>The end time T (1 in the paper).</summary>
    double EndTime { get; }

    /// <summary>The smallest time sampled, ε.</summary>
    double Epsilon { get; }

    /// <summary>Drift f(x, t) and diffusion g(t) at times <paramref name="time"/> [batch].</summary>
    (torch.Tensor Drift, torch.Tensor Diffusion) Sde(torch.Tensor x, torch.Tensor time);

    /// <summary>A sample from the prior p_T with the given shape, drawn from <paramref name="generator"/> on the CPU.</summary>
    torch.Tensor PriorSample(long[] shape, torch.Generator generator);
}
