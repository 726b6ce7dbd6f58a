using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Training;

/// <summary>
/// A minimal discrete schedule for training tests (kept here so these tests do not depend on the Schedules plugin):
/// β linear from 1e-4·(1000/T) to 0.02·(1000/T), ᾱ_t = Π(1 − β), x_t = sqrt(ᾱ_t) x_0 + sqrt(1 − ᾱ_t) ε.
/// </summary>
internal sealed class LinearTestScheduler : IScheduler
{
    private readonly double[] alphasCumprod;

    public LinearTestScheduler(int trainTimesteps = 100)
    {
        TrainTimesteps = trainTimesteps;
        alphasCumprod = new double[trainTimesteps];
        var scale = 1000.0 / trainTimesteps;
        double product = 1;
        for (var t = 0; t < trainTimesteps; t++)
        {
            var beta = scale * (1e-4 + ((0.02 - 1e-4) * t / Math.Max(1, trainTimesteps - 1)));
            product *= 1 - beta;
            alphasCumprod[t] = product;
        }
    }

    public ScheduleKind Kind => ScheduleKind.Discrete;

    public ScheduleFeatures Features => ScheduleFeatures.AlphasCumprod | ScheduleFeatures.Sigmas;

    public int TrainTimesteps { get; }

    public IReadOnlyList<double> AlphasCumprod => alphasCumprod;

    public InferenceSchedule CreateInferenceSchedule(int steps) => throw new NotSupportedException();

    public (Tensor Alpha, Tensor Sigma) Marginal(Tensor time)
    {
        using var scope = NewDisposeScope();
        var index = time.to_type(ScalarType.Int64).cpu();
        var alphaBar = tensor(alphasCumprod, dtype: ScalarType.Float64).index_select(0, index.reshape(-1));
        return (alphaBar.sqrt().MoveToOuterDisposeScope(), (1 - alphaBar).sqrt().MoveToOuterDisposeScope());
    }

    public Tensor SampleTrainingTimes(long batch, Generator generator) =>
        randint(0, TrainTimesteps, [batch], dtype: ScalarType.Int64, generator: generator);
}
