using System.Globalization;
using System.Text;
using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>
/// Formats metric sets as a table: one row per set (its label), one column per metric name in first-seen order. Titles,
/// labels and metric names come from pipelines and are escaped for the format (<see cref="TextEscaping"/>).
/// </summary>
public static class MetricsTable
{
    /// <summary>A Markdown table, with an optional heading; absent values are empty cells.</summary>
    public static string ToMarkdown(IReadOnlyList<MetricSet> sets, string title)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var columns = Columns(sets);
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(title))
        {
            text.Append("# ").Append(TextEscaping.Markdown(title)).Append("\n\n");
        }

        text.Append("| label | ").AppendJoin(" | ", columns.Select(TextEscaping.Markdown)).Append(" |\n");
        text.Append("|---|").AppendJoin(string.Empty, columns.Select(_ => "---:|")).Append('\n');
        foreach (var set in sets)
        {
            text.Append("| ").Append(TextEscaping.Markdown(set.Label)).Append(" | ");
            text.AppendJoin(" | ", columns.Select(c => set.Values.TryGetValue(c, out var v) ? Format(v) : string.Empty)).Append(" |\n");
        }

        return text.ToString();
    }

    /// <summary>CSV (RFC 4180 quoting), invariant culture, full round-trip precision.</summary>
    public static string ToCsv(IReadOnlyList<MetricSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var columns = Columns(sets);
        var text = new StringBuilder();
        text.AppendJoin(',', new[] { "label" }.Concat(columns).Select(TextEscaping.Csv)).Append('\n');
        foreach (var set in sets)
        {
            text.Append(TextEscaping.Csv(set.Label));
            foreach (var column in columns)
            {
                text.Append(',');
                if (set.Values.TryGetValue(column, out var v))
                {
                    text.Append(v.ToString("R", CultureInfo.InvariantCulture));
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static List<string> Columns(IReadOnlyList<MetricSet> sets) =>
        sets.SelectMany(s => s.Values.Keys).Distinct(StringComparer.Ordinal).ToList();

    private static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e9
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("G4", CultureInfo.InvariantCulture);

}
