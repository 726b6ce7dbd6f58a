using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>A pipeline was asked to run but is invalid; <see cref="Issues"/> holds every problem.</summary>
public sealed class PipelineValidationException(IReadOnlyList<ValidationIssue> issues)
    : Exception($"The pipeline is invalid ({issues.Count} problem(s)):{Environment.NewLine}{string.Join(Environment.NewLine, issues.Select(i => "  " + i))}")
{
    /// <summary>The problems.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;
}
