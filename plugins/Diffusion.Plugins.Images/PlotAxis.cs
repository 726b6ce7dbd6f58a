using System.Globalization;

namespace Diffusion.Plugins.Images;

/// <summary>One axis of a line plot: the data range (padded), linear or log10 mapping to pixels, and tick positions.</summary>
internal sealed class PlotAxis
{
    private readonly bool log;
    private readonly double low;
    private readonly double high;

    private PlotAxis(bool log, double low, double high, IReadOnlyList<double> ticks)
    {
        this.log = log;
        this.low = low;
        this.high = high;
        Ticks = ticks;
    }

    /// <summary>Values that get a tick and a label.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>
    /// An axis over <paramref name="values"/>: padded by 5 % (of log10 range on a log axis); ticks at the distinct values
    /// when there are at most 12 of them (benchmark lengths), else at 1-2-5 steps.
    /// </summary>
    public static PlotAxis Fit(IReadOnlyCollection<double> values, bool log, bool ticksAtValues)
    {
        ArgumentNullException.ThrowIfNull(values);
        var transformed = values.Select(v => log ? Math.Log10(v) : v).ToArray();
        double min = transformed.Length == 0 ? 0 : transformed.Min(), max = transformed.Length == 0 ? 1 : transformed.Max();
        if (max <= min)
        {
            (min, max) = (min - 0.5, max + 0.5);
        }

        var pad = 0.05 * (max - min);
        (min, max) = (min - pad, max + pad);
        var distinct = values.Distinct().Order().ToArray();
        IReadOnlyList<double> ticks = ticksAtValues && distinct.Length is > 0 and <= 12
            ? distinct
            : NiceTicks(log ? Math.Pow(10, min) : min, log ? Math.Pow(10, max) : max, log);
        return new PlotAxis(log, min, max, ticks);
    }

    /// <summary>Where <paramref name="value"/> falls in [0, 1] along the axis.</summary>
    public double Fraction(double value) => ((log ? Math.Log10(value) : value) - low) / (high - low);

    /// <summary>A short label: integers as such, else three significant digits.</summary>
    public static string Label(double value) =>
        Math.Abs(value - Math.Round(value)) < 1e-9 && Math.Abs(value) < 1e7
            ? Math.Round(value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);

    private static List<double> NiceTicks(double min, double max, bool log)
    {
        var ticks = new List<double>();
        if (log)
        {
            for (var exponent = (int)Math.Floor(Math.Log10(min)); exponent <= (int)Math.Ceiling(Math.Log10(max)); exponent++)
            {
                foreach (var mantissa in new[] { 1.0, 2.0, 5.0 })
                {
                    var tick = mantissa * Math.Pow(10, exponent);
                    if (tick >= min && tick <= max)
                    {
                        ticks.Add(tick);
                    }
                }
            }

            return ticks;
        }

        var rough = (max - min) / 6;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= rough);
        for (var tick = Math.Ceiling(min / step) * step; tick <= max; tick += step)
        {
            ticks.Add(Math.Abs(tick) < step * 1e-9 ? 0 : tick);
        }

        return ticks;
    }
}
