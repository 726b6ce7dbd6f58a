using System.Text;

namespace Diffusion.Plugins.Images;

/// <summary>
/// Escapes text from params and metric sets for the formats output nodes write, so a title or label cannot add lines,
/// rows, HTML or spreadsheet formulas to the file (a title with line breaks once wrote a shell script).
/// </summary>
internal static class TextEscaping
{
    private const string MarkdownSpecials = "\\`*_{}[]()<>#+!|~&";

    /// <summary>One line of Markdown inline text: control characters become spaces, Markdown and HTML syntax is escaped.</summary>
    public static string Markdown(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                builder.Append(' ');
            }
            else if (MarkdownSpecials.Contains(c, StringComparison.Ordinal))
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// One CSV field (RFC 4180 quoting). Control characters become spaces, and a field that a spreadsheet would run as a
    /// formula (starting with =, +, @, or - not followed by a digit) gets a leading apostrophe (OWASP CSV injection).
    /// </summary>
    public static string Csv(string field)
    {
        var builder = new StringBuilder(field.Length + 2);
        foreach (var c in field)
        {
            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }

        var text = builder.ToString();
        if (text.Length > 0 && (text[0] is '=' or '+' or '@' || (text[0] == '-' && (text.Length == 1 || !char.IsAsciiDigit(text[1]) && text[1] != '.'))))
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"") >= 0 || text != text.Trim() ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
