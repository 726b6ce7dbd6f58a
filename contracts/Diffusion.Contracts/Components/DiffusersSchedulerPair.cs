namespace Diffusion.Contracts;

/// <summary>Our equivalent of one diffusers scheduler class: a schedule and an update rule.</summary>
/// <param name="Scheduler">The scheduler node spec.</param>
/// <param name="Sampler">The sampler node spec.</param>
public sealed record DiffusersSchedulerPair(NodeSpec Scheduler, NodeSpec Sampler);
