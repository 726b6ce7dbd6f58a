using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// Runs a teacher sampler on a batch whose items start at different points of a schedule: the items are grouped by a
/// key (a step index), and each group is sampled in one call over the schedule slice its key names, starting from the
/// group's rows (<see cref="SamplingRequest.InitialSample"/>). Groups run in ascending key order, so results and any
/// noise drawn are reproducible. The schedule is data: a distillation target is the teacher's own sampler on a slice.
/// </summary>
public static class TeacherSteps
{
    /// <summary>The teacher's end points, one row per row of <paramref name="start"/>.</summary>
    /// <param name="sampler">The teacher's update rule (deterministic).</param>
    /// <param name="teacher">The teacher network.</param>
    /// <param name="scheduler">The noise schedule the slices come from.</param>
    /// <param name="start">Start points [batch, ...] in the sampler's space.</param>
    /// <param name="keys">Group keys [batch] (int64).</param>
    /// <param name="scheduleOf">The schedule (slice) a key runs.</param>
    /// <param name="conditioning">Per-row condition, or null.</param>
    /// <param name="random">The run's generator (a deterministic sampler draws nothing from it).</param>
    /// <param name="cancellationToken">Checked by the sampler.</param>
    public static Tensor Run(
        ISampler sampler,
        IDenoiser teacher,
        IScheduler scheduler,
        Tensor start,
        Tensor keys,
        Func<int, InferenceSchedule> scheduleOf,
        Conditioning? conditioning,
        Generator random,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(scheduleOf);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var result = empty_like(start);
        var keysCpu = keys.cpu().to(ScalarType.Int64);
        var distinct = keysCpu.unique(sorted: true).Item1.data<long>().ToArray();
        foreach (var key in distinct)
        {
            var rows = (keysCpu == key).nonzero().squeeze(1).to(start.device);
            var initial = start.index_select(0, rows);
            var request = new SamplingRequest
            {
                Denoiser = teacher,
                Scheduler = scheduler,
                Schedule = scheduleOf((int)key),
                Shape = [.. initial.shape],
                InitialSample = initial,
                Generator = random,
                Device = start.device,
                DType = start.dtype,
                Conditioning = conditioning?.Map((t, _) => t.index_select(0, rows.to(t.device))),
                CancellationToken = cancellationToken,
            };
            using var end = sampler.Sample(request).Samples;
            result.index_copy_(0, rows, end.to(start.dtype));
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Group keys [batch] in [0, <paramref name="count"/>): one draw per item when <paramref name="perBatch"/> is 0, else
    /// <paramref name="perBatch"/> draws, each shared by a contiguous block of items (fewer, larger teacher calls).
    /// </summary>
    public static Tensor DrawKeys(int batch, int count, int perBatch, Generator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (perBatch <= 0 || perBatch >= batch)
        {
            return randint(0, count, [batch], dtype: ScalarType.Int64, generator: random);
        }

        using var scope = NewDisposeScope();
        var draws = randint(0, count, [perBatch], dtype: ScalarType.Int64, generator: random);
        var block = (batch + perBatch - 1) / perBatch;
        return draws.repeat_interleave(block).narrow(0, 0, batch).MoveToOuterDisposeScope();
    }

    /// <summary>Labels with probability <paramref name="dropout"/> replaced by the null label <paramref name="nullLabel"/> (one rand(batch) draw), as train.denoising does.</summary>
    public static Tensor DropLabels(Tensor labels, double dropout, int nullLabel, Generator random)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var keep = rand(labels.shape[0], dtype: ScalarType.Float32, generator: random) >= dropout;
        return where(keep, labels.cpu(), full_like(labels.cpu(), nullLabel)).to(labels.device).MoveToOuterDisposeScope();
    }
}
