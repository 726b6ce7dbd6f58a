using System.Diagnostics;

namespace Diffusion.Torch.Imaging;

/// <summary>
/// Says when the next preview is due: the first call, then at most once per interval. One per sampling loop; a sampler
/// step asks it before spending anything on a preview, so throttled steps cost one clock read.
/// </summary>
/// <param name="interval">The shortest time between two previews.</param>
public sealed class PreviewThrottle(TimeSpan interval)
{
    private long last = long.MinValue;

    /// <summary>Whether a preview is due now (and, when it is, starts the next interval).</summary>
    public bool Due()
    {
        var now = Stopwatch.GetTimestamp();
        if (last != long.MinValue && Stopwatch.GetElapsedTime(last, now) < interval)
        {
            return false;
        }

        last = now;
        return true;
    }
}
