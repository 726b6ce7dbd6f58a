using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// CLIP's prompt cleaning (OpenAI CLIP's <c>basic_clean</c> + <c>whitespace_clean</c> + lower-case, as in
/// <c>simple_tokenizer.py</c> and transformers' CLIPTokenizer), with the input bounded first so arbitrary text costs
/// bounded work:
/// <list type="number">
/// <item>Only the first <see cref="MaxInputChars"/> UTF-16 characters are read (never splitting a surrogate pair).</item>
/// <item>Lone surrogates become U+FFFD (they are not text, and UTF-8, which byte-level BPE works on, cannot hold them).</item>
/// <item>HTML entities are decoded twice (<c>&amp;amp;lt;</c> → <c>&lt;</c>), as CLIP does; then Unicode NFC.</item>
/// <item>Runs of whitespace become one space; the ends are trimmed; everything is lower-cased.</item>
/// <item>Only the first <see cref="MaxCleanChars"/> characters of the result are tokenized.</item>
/// </list>
/// The caps never matter for prompts a text encoder can use: 75 tokens cover at most 75 × 28 bytes of words, so the
/// first 4,096 clean characters always hold every token the model sees unless one word is longer than about 1,900
/// characters; and only input that is mostly whitespace or markup for 65,536 characters loses text to the first cap.
/// Not reproduced: ftfy's mojibake repair (an optional dependency of the Python tokenizers) and the HTML5 entities
/// .NET's decoder does not know.
/// </summary>
public static partial class ClipTextCleaner
{
    /// <summary>Characters of a prompt that are read.</summary>
    public const int MaxInputChars = 65_536;

    /// <summary>Characters of the cleaned prompt that are tokenized.</summary>
    public const int MaxCleanChars = 4_096;

    /// <summary>Cleans <paramref name="text"/> as described on the class; never throws for any string.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var bounded = ReplaceLoneSurrogates(Prefix(text, MaxInputChars));
        var unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(bounded));

        // HTML decoding can produce lone surrogates again (&#xD800;), so clean those once more.
        unescaped = ReplaceLoneSurrogates(unescaped);
        var composed = unescaped.IsNormalized(NormalizationForm.FormC) ? unescaped : unescaped.Normalize(NormalizationForm.FormC);
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
