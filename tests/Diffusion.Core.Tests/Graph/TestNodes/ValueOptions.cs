using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of the simple test nodes: one number.</summary>
public sealed record ValueOptions
{
    /// <summary>The number the node outputs or adds.</summary>
    [Param("A number.")]
    public double Value { get; init; }
}

/// <summary>No params.</summary>
public sealed record NoOptions;
