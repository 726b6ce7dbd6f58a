using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// The exact geometry of the toy 2-D distributions, shared by <c>dataset.toy2d</c> and anything that needs the true
/// density (analytic denoisers, tests). Every shape is sampled from the caller's CPU generator in a fixed call order,
/// so a seed gives the same points on every machine. Points are float32 [n, 2].
/// <list type="bullet">
/// <item><b>two_moons</b>: scikit-learn's <c>make_moons</c> geometry with θ ~ U[0, π] drawn per point instead of a
/// grid: outer moon (cos θ, sin θ), inner moon (1 − cos θ, 1 − sin θ − ½), each with probability ½, then centred by
/// subtracting <see cref="TwoMoonsCentre"/> (the exact mean, so the data has mean 0; x ∈ [−1.5, 1.5],
/// y ∈ [−0.75, 0.75]), then isotropic Gaussian noise of std <c>noise</c> (default <see cref="TwoMoonsNoise"/>).
/// Labels: 0 outer, 1 inner. Draw order: u = rand(n) (θ = π u), b = rand(n) (inner when b &lt; ½), ε = randn(n, 2).</item>
/// <item><b>swiss_roll</b>: t = 1.5π (1 + 2u), u ~ U[0, 1]; point (t cos t, t sin t) / <see cref="SwissRollScale"/>
/// (so |x| ∈ [0.94, 2.83]), plus noise std <c>noise</c> (default <see cref="SwissRollNoise"/>). Unlabelled.
/// Draw order: u = rand(n), ε = randn(n, 2).</item>
/// <item><b>eight_gaussians</b>: an equal-weight mixture of 8 isotropic Gaussians with centres
/// <see cref="EightGaussiansRadius"/> · (cos 2πk/8, sin 2πk/8), k = 0..7, and std <c>noise</c>
/// (default <see cref="EightGaussiansStd"/> = 0.1). Labels: k. Draw order: k = randint(0, 8, n), ε = randn(n, 2).</item>
/// <item><b>checkerboard</b>: uniform on the cells of a 4 × 4 board over [−2, 2]² whose integer corner (⌊x⌋, ⌊y⌋)
/// has an even sum (8 of 16 unit cells), plus noise std <c>noise</c> (default <see cref="CheckerboardNoise"/> = 0).
/// Unlabelled. Draw order: u = rand(n) (x = 4u − 2), v = rand(n), b = rand(n) (upper cell when b &lt; ½),
/// ε = randn(n, 2) (only when noise &gt; 0).</item>
/// <item><b>grid_gaussians</b>: an equal-weight mixture of 25 isotropic Gaussians on a 5 × 5 grid, centres
/// <see cref="GridGaussiansSpacing"/> · (i − 2, j − 2) for i, j = 0..4 (so [−2, 2]²), std <c>noise</c> (default
/// <see cref="GridGaussiansStd"/> = 0.05): the 25-mode benchmark of the GAN mode-collapse literature (VEEGAN, PacGAN,
/// and Xiao et al. 2022, DDGAN, App. on mode coverage) at unit spacing, so the data has the scale VP schedules assume.
/// Labels: k = 5 i + j with centre (i − 2, j − 2). Draw order: k = randint(0, 25, n), ε = randn(n, 2).</item>
/// </list>
/// </summary>
public static class ToyDistributions
{
    /// <summary>Shape name of the two moons.</summary>
    public const string TwoMoons = "two_moons";

    /// <summary>Shape name of the swiss roll.</summary>
    public const string SwissRoll = "swiss_roll";

    /// <summary>Shape name of the eight-Gaussian mixture.</summary>
    public const string EightGaussians = "eight_gaussians";

    /// <summary>Shape name of the checkerboard.</summary>
    public const string Checkerboard = "checkerboard";

    /// <summary>Shape name of the 5 × 5 grid of Gaussians.</summary>
    public const string GridGaussians = "grid_gaussians";

    /// <summary>All shapes, for param choices.</summary>
    public static IReadOnlyList<string> Shapes { get; } = [TwoMoons, SwissRoll, EightGaussians, Checkerboard, GridGaussians];

    /// <summary>Default noise std of the two moons.</summary>
    public const double TwoMoonsNoise = 0.05;

    /// <summary>The mean of the noise-free two moons, (½, ¼), subtracted so the data is centred.</summary>
    public static IReadOnlyList<double> TwoMoonsCentre { get; } = [0.5, 0.25];

    /// <summary>The swiss roll is divided by this (the FFJORD/score-matching toy convention).</summary>
    public const double SwissRollScale = 5.0;

    /// <summary>Default noise std of the swiss roll (after scaling).</summary>
    public const double SwissRollNoise = 0.05;

    /// <summary>Radius of the circle the eight Gaussian centres lie on.</summary>
    public const double EightGaussiansRadius = 2.0;

    /// <summary>Number of mixture components of eight_gaussians.</summary>
    public const int EightGaussiansComponents = 8;

    /// <summary>Default (and analytic-preset) std of each eight_gaussians component.</summary>
    public const double EightGaussiansStd = 0.1;

    /// <summary>Default noise std of the checkerboard.</summary>
    public const double CheckerboardNoise = 0.0;

    /// <summary>Half the side of the checkerboard's square [−2, 2]².</summary>
    public const double CheckerboardHalfSide = 2.0;

    /// <summary>Centres per side of the grid_gaussians grid.</summary>
    public const int GridGaussiansSide = 5;

    /// <summary>Distance between neighbouring grid_gaussians centres.</summary>
    public const double GridGaussiansSpacing = 1.0;

    /// <summary>Default std of each grid_gaussians component.</summary>
    public const double GridGaussiansStd = 0.05;

    /// <summary>The default noise std of <paramref name="shape"/>.</summary>
    public static double DefaultNoise(string shape) => shape switch
    {
        TwoMoons => TwoMoonsNoise,
        SwissRoll => SwissRollNoise,
        EightGaussians => EightGaussiansStd,
        Checkerboard => CheckerboardNoise,
        GridGaussians => GridGaussiansStd,
        _ => throw UnknownShape(shape),
    };

    /// <summary>Number of label classes of <paramref name="shape"/> (0: unlabelled).</summary>
    public static int NumClasses(string shape) => shape switch
    {
        TwoMoons => 2,
        EightGaussians => EightGaussiansComponents,
        GridGaussians => GridGaussiansSide * GridGaussiansSide,
        SwissRoll or Checkerboard => 0,
        _ => throw UnknownShape(shape),
    };

    /// <summary>The eight_gaussians centres [8, 2] (float64): radius · (cos 2πk/8, sin 2πk/8).</summary>
    public static double[,] EightGaussiansCentres()
    {
        var centres = new double[EightGaussiansComponents, 2];
        for (var k = 0; k < EightGaussiansComponents; k++)
        {
            var angle = 2 * Math.PI * k / EightGaussiansComponents;
            centres[k, 0] = EightGaussiansRadius * Math.Cos(angle);
            centres[k, 1] = EightGaussiansRadius * Math.Sin(angle);
        }

        return centres;
    }

    /// <summary>
    /// The grid_gaussians centres [25, 2] (float64): row k = 5 i + j is <paramref name="spacing"/> · (i − 2, j − 2).
    /// </summary>
    public static double[,] GridGaussiansCentres(double spacing = GridGaussiansSpacing)
    {
        var centres = new double[GridGaussiansSide * GridGaussiansSide, 2];
        var half = (GridGaussiansSide - 1) / 2;
        for (var k = 0; k < centres.GetLength(0); k++)
        {
            centres[k, 0] = spacing * ((k / GridGaussiansSide) - half);
            centres[k, 1] = spacing * ((k % GridGaussiansSide) - half);
        }

        return centres;
    }

    /// <summary>
    /// Draws <paramref name="count"/> points of <paramref name="shape"/> with noise std <paramref name="noise"/> from
    /// <paramref name="generator"/> (CPU). Returns float32 points [count, 2] and int64 labels [count] (null for
    /// unlabelled shapes). The caller owns both tensors.
    /// </summary>
    public static (Tensor Points, Tensor? Labels) Sample(string shape, long count, double noise, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var (points, labels) = shape switch
        {
            TwoMoons => SampleTwoMoons(count, noise, generator),
            SwissRoll => SampleSwissRoll(count, noise, generator),
            EightGaussians => SampleEightGaussians(count, noise, generator),
            Checkerboard => SampleCheckerboard(count, noise, generator),
            GridGaussians => SampleGridGaussians(count, noise, generator),
            _ => throw UnknownShape(shape),
        };
        return (points.to_type(ScalarType.Float32).MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    private static (Tensor, Tensor?) SampleTwoMoons(long n, double noise, Generator generator)
    {
        var theta = rand(n, dtype: ScalarType.Float64, generator: generator) * Math.PI;
        var inner = rand(n, dtype: ScalarType.Float64, generator: generator) < 0.5;
        var outerPoints = stack([cos(theta), sin(theta)], 1);
        var innerPoints = stack([1 - cos(theta), 1 - sin(theta) - 0.5], 1);
        var points = where(inner.unsqueeze(1), innerPoints, outerPoints);
        var centre = tensor(new[] { TwoMoonsCentre[0], TwoMoonsCentre[1] }, dtype: ScalarType.Float64);
        points = points - centre + noise * Normal(n, generator);
        return (points, inner.to_type(ScalarType.Int64));
    }

    private static (Tensor, Tensor?) SampleSwissRoll(long n, double noise, Generator generator)
    {
        var t = 1.5 * Math.PI * (1 + 2 * rand(n, dtype: ScalarType.Float64, generator: generator));
        var points = stack([t * cos(t), t * sin(t)], 1) / SwissRollScale;
        return (points + noise * Normal(n, generator), null);
    }

    private static (Tensor, Tensor?) SampleEightGaussians(long n, double noise, Generator generator)
    {
        var k = randint(0, EightGaussiansComponents, [n], dtype: ScalarType.Int64, generator: generator);
        var angle = k.to_type(ScalarType.Float64) * (2 * Math.PI / EightGaussiansComponents);
        var centres = EightGaussiansRadius * stack([cos(angle), sin(angle)], 1);
        return (centres + noise * Normal(n, generator), k);
    }

    private static (Tensor, Tensor?) SampleGridGaussians(long n, double noise, Generator generator)
    {
        var modes = GridGaussiansSide * GridGaussiansSide;
        var half = (GridGaussiansSide - 1) / 2;
        var k = randint(0, modes, [n], dtype: ScalarType.Int64, generator: generator);
        var index = k.to_type(ScalarType.Float64);
        var rowIndex = (index / GridGaussiansSide).floor();
        var row = rowIndex - half;
        var column = index - (rowIndex * GridGaussiansSide) - half;
        var centres = GridGaussiansSpacing * stack([row, column], 1);
        return (centres + noise * Normal(n, generator), k);
    }

    private static (Tensor, Tensor?) SampleCheckerboard(long n, double noise, Generator generator)
    {
        var side = 2 * CheckerboardHalfSide;
        var x = side * rand(n, dtype: ScalarType.Float64, generator: generator) - CheckerboardHalfSide;
        var v = rand(n, dtype: ScalarType.Float64, generator: generator);
        var upper = (rand(n, dtype: ScalarType.Float64, generator: generator) < 0.5).to_type(ScalarType.Float64);

        // Column parity decides which rows are filled: even columns (⌊x⌋ even) fill rows −2 and 0, odd ones −1 and 1.
        var columnParity = remainder(floor(x), 2.0);
        var y = v - CheckerboardHalfSide + 2 * upper + columnParity;
        var points = stack([x, y], 1);
        if (noise > 0)
        {
            points = points + noise * Normal(n, generator);
        }

        return (points, null);
    }

    private static Tensor Normal(long n, Generator generator) =>
        randn([n, 2], dtype: ScalarType.Float32, generator: generator).to_type(ScalarType.Float64);

    private static ArgumentException UnknownShape(string shape) =>
        new($"Unknown toy shape '{shape}'; use one of {string.Join(", ", Shapes)}.", nameof(shape));
}
