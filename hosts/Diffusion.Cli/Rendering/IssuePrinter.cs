using Diffusion.Contracts;

namespace Diffusion.Cli.Rendering;

/// <summary>
/// Prints validation issues to stderr, one line each: <c>file:line:column pointer: message [code]</c>, the form
/// editors and CI annotate. Plain text, never wrapped, so tools can grep it.
/// </summary>
internal static class IssuePrinter
{
    public static void Print(string file, IReadOnlyList<ValidationIssue> issues)
    {
        file = TerminalText.Clean(file);
        Console.Error.WriteLine($"{file}: {issues.Count} problem(s)");
        foreach (var issue in issues)
        {
            var where = issue.Line is { } line ? $"{file}:{line}:{issue.Column}" : file;
            var pointer = issue.Pointer.Length == 0 ? "/" : issue.Pointer;
            Console.Error.WriteLine(TerminalText.Clean($"  {where} {pointer}: {issue.Message} [{issue.Code}]"));
        }
    }
}
