namespace Diffusion.Contracts;

/// <summary>What a sampler declares about itself.</summary>
/// <param name="Name">The algorithm, e.g. <c>ddim</c>, <c>dpmpp_2m</c>.</param>
/// <param name="Stochastic">Whether it draws noise during the loop (so the generator matters after the start).</param>
/// <param name="Adaptive">Whether it chooses its own step sizes (then Steps is ignored and NFE is reported).</param>
public sealed record SamplerInfo(string Name, bool Stochastic, bool Adaptive = false);
