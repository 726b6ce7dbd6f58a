using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Params of <c>dataset.toy2d</c>.</summary>
public sealed record Toy2dDatasetOptions
{
    [Param("The distribution (geometry documented on ToyDistributions).", Choices = [ToyDistributions.TwoMoons, ToyDistributions.SwissRoll, ToyDistributions.EightGaussians, ToyDistributions.Checkerboard, ToyDistributions.GridGaussians])]
    public string Shape { get; init; } = ToyDistributions.TwoMoons;

    [Param("Gaussian noise std (eight_gaussians: component std); absent = the shape's default (two_moons 0.05, swiss_roll 0.05, eight_gaussians 0.1, checkerboard 0, grid_gaussians 0.05).", Min = 0)]
    public double? Noise { get; init; }
}
