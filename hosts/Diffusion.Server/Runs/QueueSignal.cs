namespace Diffusion.Server.Runs;

/// <summary>Wakes an idle worker when a run is queued (workers also look every second, so a lost wake-up only delays).</summary>
internal sealed class QueueSignal
{
    private readonly SemaphoreSlim available = new(0, int.MaxValue);

    public void Release() => available.Release();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => available.WaitAsync(timeout, cancellationToken);
}
