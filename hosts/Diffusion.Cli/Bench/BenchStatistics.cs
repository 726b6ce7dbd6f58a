namespace Diffusion.Cli.Bench;

/// <summary>Summaries of repeated timings shared by the bench commands.</summary>
internal static class BenchStatistics
{
    /// <summary>
    /// The median (upper median for even counts): robust to the odd run slowed by another process on a shared machine.
    /// Sorts <paramref name="values"/> in place.
    /// </summary>
    public static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
