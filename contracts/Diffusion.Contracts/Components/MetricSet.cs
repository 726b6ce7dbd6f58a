namespace Diffusion.Contracts;

/// <summary>Named numbers from an evaluation (e.g. swd, mmd, swd_floor), with an optional label for tables.</summary>
/// <param name="Label">What was measured, e.g. <c>ddim-50</c>.</param>
/// <param name="Values">The numbers by name, in insertion order.</param>
public sealed record MetricSet(string Label, IReadOnlyDictionary<string, double> Values);
