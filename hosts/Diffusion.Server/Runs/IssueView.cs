using Diffusion.Contracts;

namespace Diffusion.Server.Runs;

/// <summary>A validation issue as the API shows it (problem+json <c>issues</c>, failed events).</summary>
public sealed record IssueView(string Code, string Message, string Pointer, string? Node, string? Input, string? Received, long? Line, long? Column)
{
    /// <summary>The view of an engine issue.</summary>
    public static IssueView From(ValidationIssue issue) =>
        new(issue.Code, issue.Message, issue.Pointer, issue.Node, issue.Input, issue.Received, issue.Line, issue.Column);
}
