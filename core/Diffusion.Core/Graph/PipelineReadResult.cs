using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>The outcome of reading a pipeline file: the definition (when the shape allowed building one) and every issue.</summary>
/// <param name="Pipeline">The definition, or null when the document could not be read at all.</param>
/// <param name="Issues">Syntax and shape problems, with pointers and positions.</param>
/// <param name="Positions">Where each pointer is in the text, for later issues.</param>
public sealed record PipelineReadResult(PipelineDefinition? Pipeline, IReadOnlyList<ValidationIssue> Issues, JsonPositionIndex Positions);
