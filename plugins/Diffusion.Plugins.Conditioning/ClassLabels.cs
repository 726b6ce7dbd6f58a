namespace Diffusion.Plugins.ClassConditioning;

/// <summary>Expands <see cref="LabelsOptions"/> into the list of labels.</summary>
public static class ClassLabels
{
    /// <summary>The labels the options describe.</summary>
    /// <exception cref="ArgumentException">No or several sources are given, or a label is out of range.</exception>
    public static IReadOnlyList<int> Expand(LabelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int sources = (options.Labels.Count > 0 ? 1 : 0) + (options.Grid.Length > 0 ? 1 : 0) + (options.Count > 0 ? 1 : 0);
        if (sources != 1)
        {
            throw new ArgumentException("condition.labels: give exactly one of 'labels', 'grid' or 'count'.");
        }

        IReadOnlyList<int> labels = options.Grid switch
        {
            "all_digits_grid" => Enumerable.Range(0, options.Rows * options.Classes).Select(i => i % options.Classes).ToArray(),
            "" when options.Count > 0 => Enumerable.Range(0, options.Count).Select(i => i % options.Classes).ToArray(),
            "" => options.Labels,
            _ => throw new ArgumentException($"condition.labels: grid '{options.Grid}' is unknown; use all_digits_grid."),
        };
        var bad = labels.FirstOrDefault(l => l < 0 || l >= options.Classes, -1);
        if (labels.Any(l => l < 0 || l >= options.Classes))
        {
            throw new ArgumentException($"condition.labels: label {bad} is outside 0..{options.Classes - 1}.");
        }

        return labels;
    }

    /// <summary>The null label in effect.</summary>
    public static int NullLabel(LabelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.NullLabel < 0 ? options.Classes : options.NullLabel;
    }
}
