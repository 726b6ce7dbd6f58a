using Diffusion.Contracts;
using Spectre.Console;

namespace Diffusion.Cli.Rendering;

/// <summary>Prints validation issues: one line each with file:line:column, pointer, message and code.</summary>
internal static class IssuePrinter
{
    public static void Print(string file, IReadOnlyList<ValidationIssue> issues)
    {
        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        error.MarkupLineInterpolated($"[red]{file}: {issues.Count} problem(s)[/]");
        foreach (var issue in issues)
        {
            var where = issue.Line is { } line ? $"{file}:{line}:{issue.Column}" : file;
            var pointer = issue.Pointer.Length == 0 ? "/" : issue.Pointer;
            error.MarkupLineInterpolated($"  [yellow]{where}[/] [blue]{pointer}[/]: {issue.Message} [grey][[{issue.Code}]][/]");
        }
    }
}
