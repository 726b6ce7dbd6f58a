using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// A pipeline was asked to run but is invalid; <see cref="Issues"/> holds every problem. Thrown by
/// <see cref="IPipelineRunner.RunAsync(PipelineDefinition, RunOptions?, IProgress{PipelineEvent}?, CancellationToken)"/>;
/// the streaming API reports the same as a <see cref="PipelineEventKind.RunFailed"/> event instead.
/// </summary>
public sealed class PipelineValidationException(IReadOnlyList<ValidationIssue> issues) : Exception(Describe(issues))
{
    /// <summary>The problems.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;

    /// <summary>One message listing every issue with its pointer and code.</summary>
    public static string Describe(IReadOnlyList<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        return $"The pipeline is invalid ({issues.Count} problem(s)):{Environment.NewLine}{string.Join(Environment.NewLine, issues.Select(i => "  " + i))}";
    }
}
