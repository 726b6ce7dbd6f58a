using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// Turns a denoiser's time argument into the marginal coefficients (α_t, σ_t) of a scheduler. Discrete schedules are
/// read at fractional timesteps by interpolating log σ̃ = ½ log((1 − ᾱ)/ᾱ) linearly between table entries (k-diffusion's
/// <c>DiscreteSchedule.t_to_sigma</c>), so samplers working in sigma space get the exact marginal too; then α = 1/sqrt(1+σ̃²),
/// σ = σ̃ α. A sigma time input σ̃ = σ_t/α_t (Karras et al. 2022, Table 1) inverts by family: VP-type α = 1/sqrt(1+σ̃²),
/// VE α = 1, sub-VP (σ = 1 − α²) α = (sqrt(σ̃² + 4) − σ̃)/2.
/// </summary>
internal sealed class MixtureTime
{
    private readonly IScheduler scheduler;
    private readonly double[] logSigmas;

    public MixtureTime(IScheduler scheduler, TimeInput timeInput)
    {
        this.scheduler = scheduler;
        TimeInput = timeInput;
        logSigmas = [.. scheduler.AlphasCumprod.Select(a => 0.5 * Math.Log((1 - a) / a))];
    }

    public TimeInput TimeInput { get; }

    private bool IsDiscrete => logSigmas.Length > 0;

    /// <summary>The natural time input for a scheduler: timesteps for discrete schedules, t for SDEs.</summary>
    public static TimeInput Natural(IScheduler scheduler) =>
        scheduler.AlphasCumprod.Count > 0 ? TimeInput.Timestep : TimeInput.ContinuousTime;

    /// <summary>(α_t, σ_t) [batch] float64 for a time argument [batch] or a scalar.</summary>
    public (torch.Tensor Alpha, torch.Tensor Sigma) Marginal(torch.Tensor time, long batch)
    {
        using var scope = torch.NewDisposeScope();
        var t = time.to(torch.ScalarType.Float64, torch.CPU);
        if (t.dim() == 0 || t.numel() == 1)
        {
            t = t.reshape(1).expand(batch);
        }

        int steps = scheduler.TrainTimesteps;
        var (alpha, sigma) = TimeInput switch
        {
            TimeInput.Timestep when IsDiscrete => FromSigma(DiscreteSigma(t), ScheduleKind.Discrete),
            TimeInput.Timestep => scheduler.Marginal(t / (steps - 1)),
            TimeInput.ContinuousTime when IsDiscrete => FromSigma(DiscreteSigma(t * (logSigmas.Length - 1)), ScheduleKind.Discrete),
            TimeInput.ContinuousTime => scheduler.Marginal(t),
            TimeInput.Sigma => FromSigma(t, scheduler.Kind),
            _ => throw new NotSupportedException($"denoiser.gaussian_mixture: time input {TimeInput} is not supported."),
        };
        return (alpha.to_type(torch.ScalarType.Float64).MoveToOuterDisposeScope(), sigma.to_type(torch.ScalarType.Float64).MoveToOuterDisposeScope());
    }

    /// <summary>σ̃(t) from the table, interpolating log σ̃ between neighbouring timesteps.</summary>
    private torch.Tensor DiscreteSigma(torch.Tensor timesteps)
    {
        var values = timesteps.data<double>().ToArray();
        var result = new double[values.Length];
        int last = logSigmas.Length - 1;
        for (int i = 0; i < values.Length; i++)
        {
            double t = Math.Clamp(values[i], 0, last);
            int low = Math.Min((int)Math.Floor(t), Math.Max(last - 1, 0));
            int high = Math.Min(low + 1, last);
            double w = t - low;
            result[i] = Math.Exp(((1 - w) * logSigmas[low]) + (w * logSigmas[high]));
        }

        return torch.tensor(result, torch.ScalarType.Float64);
    }

    private static (torch.Tensor Alpha, torch.Tensor Sigma) FromSigma(torch.Tensor sigmaTilde, ScheduleKind kind)
    {
        switch (kind)
        {
            case ScheduleKind.VarianceExploding:
                return (torch.ones_like(sigmaTilde), sigmaTilde.clone());
            case ScheduleKind.SubVariancePreserving:
                var alphaSub = ((sigmaTilde.square() + 4).sqrt() - sigmaTilde) / 2;
                return (alphaSub, 1 - alphaSub.square());
            default:
                var alpha = (sigmaTilde.square() + 1).rsqrt();
                return (alpha, sigmaTilde * alpha);
        }
    }
}
