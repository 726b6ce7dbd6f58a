namespace Diffusion.Cluster.Frontend;

/// <summary>
/// Grain calls from a front end while silos come and go: a call that times out or is rejected because its silo was
/// just lost is made again (the grain is then activated on a live silo) for up to half a minute.
/// </summary>
internal static class ClusterCalls
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && clock.Elapsed < GiveUpAfter)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
            }
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
        || (ex is OrleansException && ex.InnerException is not null && IsTransient(ex.InnerException));
}
