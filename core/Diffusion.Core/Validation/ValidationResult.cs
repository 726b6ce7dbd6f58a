using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>The outcome of validation: every issue, and the runnable pipeline when there are none.</summary>
/// <param name="Issues">All problems found.</param>
/// <param name="Pipeline">The validated pipeline, or null when there are issues.</param>
public sealed record ValidationResult(IReadOnlyList<ValidationIssue> Issues, ValidatedPipeline? Pipeline)
{
    /// <summary>Whether the pipeline can run.</summary>
    public bool IsValid => Issues.Count == 0 && Pipeline is not null;
}
