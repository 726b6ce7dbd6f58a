using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Params of <c>eval.modes</c>.</summary>
public sealed record EvalModesOptions
{
    /// <summary>Preset name for eight_gaussians centres.</summary>
    public const string EightGaussiansPreset = ToyDistributions.EightGaussians;

    /// <summary>Preset name for the 25 grid_gaussians centres.</summary>
    public const string GridGaussiansPreset = ToyDistributions.GridGaussians;

    /// <summary>Preset name meaning "use <see cref="Centres"/>".</summary>
    public const string NoPreset = "none";

    [Param("Mode centres: eight_gaussians (8 centres on a circle of radius `radius`), grid_gaussians (the 5 x 5 grid with `spacing`) or none (give `centres`).", Choices = [EightGaussiansPreset, GridGaussiansPreset, NoPreset])]
    public string Preset { get; init; } = EightGaussiansPreset;

    [Param("Radius of the eight_gaussians circle.", Min = 0)]
    public double Radius { get; init; } = ToyDistributions.EightGaussiansRadius;

    [Param("Spacing of the grid_gaussians centres.", Min = 0)]
    public double Spacing { get; init; } = ToyDistributions.GridGaussiansSpacing;

    [Param("Explicit mode centres, one array of d numbers per mode (preset none).")]
    public double[][]? Centres { get; init; }

    [Param("A sample farther than this (Euclidean) from every centre counts as off-mode.", Min = 0)]
    public double MaxDistance { get; init; } = 0.5;

    [Param("Label of the metric set in tables (absent: the node id).")]
    public string? Label { get; init; }

    /// <summary>The centres [K, d] these options describe.</summary>
    /// <exception cref="ArgumentException">Preset none without centres, ragged or empty centres, or an unknown preset.</exception>
    public double[,] ResolveCentres()
    {
        if (Preset == EightGaussiansPreset)
        {
            if (Centres is not null)
            {
                throw new ArgumentException("give either preset eight_gaussians or explicit 'centres' (with preset none), not both.");
            }

            var unit = ToyDistributions.EightGaussiansCentres();
            var scale = Radius / ToyDistributions.EightGaussiansRadius;
            var centres = new double[unit.GetLength(0), unit.GetLength(1)];
            for (var k = 0; k < centres.GetLength(0); k++)
            {
                for (var j = 0; j < centres.GetLength(1); j++)
                {
                    centres[k, j] = unit[k, j] * scale;
                }
            }

            return centres;
        }

        if (Preset == GridGaussiansPreset)
        {
            return Centres is null
                ? ToyDistributions.GridGaussiansCentres(Spacing)
                : throw new ArgumentException("give either preset grid_gaussians or explicit 'centres' (with preset none), not both.");
        }

        if (Preset != NoPreset)
        {
            throw new ArgumentException($"unknown preset '{Preset}'; use {EightGaussiansPreset}, {GridGaussiansPreset} or {NoPreset}.");
        }

        if (Centres is not { Length: > 0 } || Centres[0] is not { Length: > 0 })
        {
            throw new ArgumentException("preset none needs 'centres': one array of d numbers per mode, e.g. [[0, 0], [1, 1]].");
        }

        var dim = Centres[0].Length;
        var result = new double[Centres.Length, dim];
        for (var k = 0; k < Centres.Length; k++)
        {
            if (Centres[k] is null || Centres[k].Length != dim)
            {
                throw new ArgumentException($"centre {k} has {Centres[k]?.Length ?? 0} numbers but centre 0 has {dim}; every centre needs the same dimension.");
            }

            for (var j = 0; j < dim; j++)
            {
                result[k, j] = Centres[k][j];
            }
        }

        return result;
    }
}
