using System.Globalization;
using System.Text;

namespace Diffusion.Cli.Rendering;

/// <summary>
/// Makes text from pipelines, plugins and files safe to print: control characters (ANSI escape sequences, line breaks,
/// carriage returns, bells) and Unicode direction overrides are shown as <c>\x1b</c>-style escapes, so a node id, a
/// plugin id or a message cannot move the cursor, recolour, clear or spoof the user's terminal.
/// </summary>
internal static class TerminalText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                builder.Append(c <= 0xFF ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029'
        || (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format && c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C');
}
