using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of the simple test nodes: one number.</summary>
public sealed record ValueOptions
{
    [Param("A number.")]
    public double Value { get; init; }
}

/// <summary>No params.</summary>
public sealed record NoOptions;
