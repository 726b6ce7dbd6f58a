using Diffusion.Contracts;
using Diffusion.Server.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Diffusion.Server.Http;

/// <summary>
/// Every error answer is RFC 9457 problem+json with a stable <c>code</c> (and <c>issues</c> for validation), so a
/// client can tell a bad pipeline from a full queue without reading the text.
/// </summary>
internal static class Problems
{
    public static IResult Of(int status, string code, string title, string detail, IReadOnlyList<ValidationIssue>? issues = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"urn:diffusion:problem:{code}",
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (issues is not null)
        {
            problem.Extensions["issues"] = issues.Select(IssueView.From).ToList();
        }

        return Results.Problem(problem);
    }

    public static IResult Invalid(IReadOnlyList<ValidationIssue> issues) => Of(
        StatusCodes.Status400BadRequest,
        "invalid_pipeline",
        "The pipeline is not valid",
        $"{issues.Count} problem(s); each issue has a JSON pointer into the request and a code. Fix them and submit again.",
        issues);

    public static IResult BadRequest(string code, string detail, string pointer = "") => Of(
        StatusCodes.Status400BadRequest,
        code,
        "The request is not valid",
        detail,
        [new ValidationIssue(code, detail, pointer)]);

    public static IResult RunNotFound(string id) => Of(
        StatusCodes.Status404NotFound, "run_not_found", "No such run", $"There is no run \"{Printable(id)}\"; GET /v1/runs lists them.");

    /// <summary>Request text echoed in a message, with control characters escaped and its length bounded.</summary>
    public static string Printable(string text)
    {
        var shown = text.Length > 80 ? text[..80] + "..." : text;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
    }
}
