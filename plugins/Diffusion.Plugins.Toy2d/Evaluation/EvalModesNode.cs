using System.Globalization;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// <c>eval.modes</c>: mode coverage of generated points against known mixture centres (the mode-collapse check of the
/// 2-D GAN/diffusion literature, e.g. Srivastava et al. 2017, VEEGAN, §5.1). Outputs <c>weight_k</c> per mode,
/// <c>max_weight_error</c> = max_k |w_k − 1/K|, <c>modes_found</c> (w_k &gt; 0.5/K) and <c>off_mode</c>; see
/// <see cref="ModeCoverage"/>.
/// </summary>
public sealed class EvalModesNode : NodeType<EvalModesOptions>
{
    /// <inheritdoc />
    protected override string Name => "eval.modes";

    /// <inheritdoc />
    protected override string Category => "evaluation";

    /// <inheritdoc />
    protected override string Description => "Mode coverage: per-mode weights (nearest centre within max_distance), max |w_k - 1/K|, modes found (w_k > 0.5/K) and the off-mode fraction.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("samples", PortType.Tensor, "Generated points [count, d].")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("metrics", PortType.Metrics, "weight_0..weight_{K-1}, max_weight_error, modes_found, off_mode.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(EvalModesOptions options, NodeValidationContext context)
    {
        string? problem = null;
        try
        {
            options.ResolveCentres();
        }
        catch (ArgumentException ex)
        {
            problem = ex.Message;
        }

        if (problem is not null)
        {
            yield return context.ParamIssue(options.Preset == EvalModesOptions.NoPreset ? "centres" : "preset", $"eval.modes: {problem}");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, EvalModesOptions options)
    {
        var samples = context.GetInput<Tensor>("samples");
        double[,] centres;
        ModeCoverage coverage;
        try
        {
            centres = options.ResolveCentres();
            coverage = ModeCoverage.Measure(samples, centres, options.MaxDistance);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"eval.modes '{context.NodeId}': {ex.Message}", ex);
        }

        var set = new MetricSet(options.Label ?? context.NodeId, ToMetrics(coverage));
        context.Logger.LogInformation("{Label}: {Found}/{Modes} modes, max |w - 1/K| {Error:F3}, off-mode {OffMode:F3}", set.Label, coverage.ModesFound, coverage.Weights.Count, coverage.MaxWeightError, coverage.OffMode);
        return Task.FromResult(NodeOutputs.Of("metrics", set));
    }

    /// <summary>The metric values of <paramref name="coverage"/>, in the order the node outputs them.</summary>
    public static IReadOnlyDictionary<string, double> ToMetrics(ModeCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var k = 0; k < coverage.Weights.Count; k++)
        {
            values["weight_" + k.ToString(CultureInfo.InvariantCulture)] = coverage.Weights[k];
        }

        values["max_weight_error"] = coverage.MaxWeightError;
        values["modes_found"] = coverage.ModesFound;
        values["off_mode"] = coverage.OffMode;
        return values;
    }
}
