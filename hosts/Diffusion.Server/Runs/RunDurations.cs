namespace Diffusion.Server.Runs;

/// <summary>
/// A moving average of how long runs take, for the <c>Retry-After</c> of a refused submission: the time the queue ahead
/// of it needs to drain by one slot, roughly.
/// </summary>
internal sealed class RunDurations
{
    private readonly Lock gate = new();
    private double averageSeconds = 1;

    public void Add(TimeSpan elapsed)
    {
        lock (gate)
        {
            // Exponential moving average over roughly the last ten runs.
            averageSeconds = (0.9 * averageSeconds) + (0.1 * elapsed.TotalSeconds);
        }
    }

    /// <summary>Seconds until a slot frees up with <paramref name="queued"/> runs waiting on <paramref name="workers"/> workers (1 to 3600).</summary>
    public int RetryAfterSeconds(int queued, int workers)
    {
        lock (gate)
        {
            var seconds = averageSeconds * Math.Max(1, queued) / Math.Max(1, workers);
            return (int)Math.Clamp(Math.Ceiling(seconds), 1, 3600);
        }
    }
}
