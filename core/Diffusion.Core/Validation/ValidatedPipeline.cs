namespace Diffusion.Core;

/// <summary>A pipeline that passed validation: nodes in a dependency order, ready for the executor.</summary>
/// <param name="Definition">The pipeline as read (after overrides).</param>
/// <param name="Nodes">Nodes in topological order (each after everything it depends on).</param>
public sealed record ValidatedPipeline(PipelineDefinition Definition, IReadOnlyList<ValidatedNode> Nodes);
