using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Server.Runs;

/// <summary>What <see cref="PipelineAttempt"/> reports.</summary>
/// <param name="End">How the attempt ended.</param>
/// <param name="Error">The reason a run that did not succeed gets (null when it succeeded or was interrupted).</param>
/// <param name="Issues">Validation issues, when it failed on them.</param>
/// <param name="Pipeline">The validated pipeline, or null when it did not validate.</param>
/// <param name="ProgressJson">The progress after the last event, or null when the pipeline never started.</param>
internal sealed record AttemptResult(
    AttemptEnd End,
    string? Error,
    IReadOnlyList<ValidationIssue> Issues,
    ValidatedPipeline? Pipeline,
    string? ProgressJson);
