using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Diffusion.Text;

/// <summary>
/// CLIP's prompt normalisation as transformers 5's <c>CLIPTokenizer</c> does it (the reference the fixtures were made
/// with: Unicode NFC, runs of whitespace to one space, lower-case), optionally preceded by OpenAI CLIP's HTML
/// unescaping (<c>basic_clean</c> in <c>simple_tokenizer.py</c>; transformers' old Python tokenizer did it too when
/// ftfy was installed). The input is bounded first, so arbitrary text costs bounded work:
/// <list type="number">
/// <item>Only the first <see cref="MaxInputChars"/> UTF-16 characters are read (never splitting a surrogate pair).</item>
/// <item>Lone surrogates become U+FFFD (they are not text, and UTF-8, which byte-level BPE works on, cannot hold them).</item>
/// <item>With <c>decodeHtmlEntities</c>, HTML entities are decoded twice (<c>&amp;amp;lt;</c> → <c>&lt;</c>), as OpenAI CLIP does.</item>
/// <item>Unicode NFC; runs of whitespace become one space; the ends are trimmed (the pre-tokenizer drops spaces anyway); lower-case.</item>
/// <item>Only the first <see cref="MaxCleanChars"/> characters of the result are tokenized.</item>
/// </list>
/// The caps never matter for prompts a text encoder can use: 75 tokens cover at most 75 × 28 bytes of words, so the
/// first 4,096 clean characters always hold every token the model sees unless one word is longer than about 1,900
/// characters; and only input that is mostly whitespace for 65,536 characters loses text to the first cap.
/// Not reproduced: ftfy's mojibake repair, HTML5 entities .NET's decoder does not know, and Unicode's full
/// (multi-character) lower-case mappings such as U+0130.
/// </summary>
public static partial class ClipTextCleaner
{
    /// <summary>Characters of a prompt that are read.</summary>
    public const int MaxInputChars = 65_536;

    /// <summary>Characters of the cleaned prompt that are tokenized.</summary>
    public const int MaxCleanChars = 4_096;

    /// <summary>Cleans <paramref name="text"/> as described on the class; never throws for any string.</summary>
    /// <param name="text">The prompt.</param>
    /// <param name="decodeHtmlEntities">Decode HTML entities first, as OpenAI CLIP does (transformers 5 does not).</param>
    public static string Clean(string? text, bool decodeHtmlEntities = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var unescaped = ReplaceLoneSurrogates(Prefix(text, MaxInputChars));
        if (decodeHtmlEntities)
        {
            // Decoding can produce lone surrogates again (&#xD800;), so those are replaced once more.
            unescaped = ReplaceLoneSurrogates(WebUtility.HtmlDecode(WebUtility.HtmlDecode(unescaped)));
        }

        var composed = UnicodeNfc.Compose(unescaped);
        var collapsed = Whitespace().Replace(composed, " ").Trim().ToLowerInvariant();
        return Prefix(collapsed, MaxCleanChars);
    }

    /// <summary>The first <paramref name="length"/> characters, one fewer when that would split a surrogate pair.</summary>
    private static string Prefix(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        int cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return text[..cut];
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        StringBuilder? builder = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool paired = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(text[i - 1]));
            if (!paired)
            {
                builder ??= new StringBuilder(text, 0, i, text.Length);
                builder.Append('\uFFFD');
                continue;
            }

            builder?.Append(c);
        }

        return builder?.ToString() ?? text;
    }

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
