using System.Text.RegularExpressions;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// The caption grammar of the text-to-digit model, and its parser for evaluation:
/// <c>a [small|large] [thin|thick] DIGIT [slanted to the left|slanted to the right]</c>, where DIGIT is a word
/// ("seven") or a numeral ("7") and each property is stated only when its bin is low or high (see
/// <see cref="DigitPropertyBins"/>). Examples: "a thick seven slanted to the right", "a small 3", "a zero".
/// </summary>
public static partial class DigitCaptions
{
    /// <summary>Digit words 0–9.</summary>
    public static readonly string[] Words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>Every word captions use (for building a tokenizer vocabulary).</summary>
    public static IReadOnlyList<string> Vocabulary { get; } =
        ["a", "small", "large", "thin", "thick", "slanted", "to", "the", "left", "right", .. Words, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>A caption for digit <paramref name="label"/> with property bins (−1, 0, +1; null leaves a property out).</summary>
    public static string Compose(int label, bool numeral, int? thickness, int? size, int? slant)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(label, 9);
        var parts = new List<string> { "a" };
        if (size is -1 or 1)
        {
            parts.Add(size == 1 ? "large" : "small");
        }

        if (thickness is -1 or 1)
        {
            parts.Add(thickness == 1 ? "thick" : "thin");
        }

        parts.Add(numeral ? label.ToString(System.Globalization.CultureInfo.InvariantCulture) : Words[label]);
        if (slant is -1 or 1)
        {
            parts.Add(slant == 1 ? "slanted to the right" : "slanted to the left");
        }

        return string.Join(' ', parts);
    }

    /// <summary>What a prompt asks for: the digit and the bins it states (null where it says nothing), or null when it names no digit.</summary>
    public static (int Label, int? Thickness, int? Size, int? Slant)? Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var words = WordPattern().Matches(prompt.ToLowerInvariant()).Select(m => m.Value).ToList();
        int? label = null;
        foreach (var word in words)
        {
            int index = Array.IndexOf(Words, word);
            if (index < 0 && word.Length == 1 && char.IsAsciiDigit(word[0]))
            {
                index = word[0] - '0';
            }

            if (index >= 0)
            {
                label = index;
                break;
            }
        }

        if (label is null)
        {
            return null;
        }

        int? Bin(string low, string high) => words.Contains(high) ? 1 : words.Contains(low) ? -1 : null;
        var text = string.Join(' ', words);
        int? slant = text.Contains("slanted to the right", StringComparison.Ordinal) ? 1 : text.Contains("slanted to the left", StringComparison.Ordinal) ? -1 : null;
        return (label.Value, Bin("thin", "thick"), Bin("small", "large"), slant);
    }

    [GeneratedRegex(@"[a-z]+|[0-9]")]
    private static partial Regex WordPattern();
}
