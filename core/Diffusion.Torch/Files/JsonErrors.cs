using System.Text.Json;
using System.Text.RegularExpressions;

namespace Diffusion.Torch.Files;

/// <summary>
/// Words System.Text.Json's errors for people: "The JSON value could not be converted to System.Int32. Path:
/// $.layers_per_block" becomes "field 'layers_per_block' = must be a whole number from -2147483648 to 2147483647".
/// </summary>
public static partial class JsonErrors
{
    /// <summary>A sentence naming the field and what it must be, or the first sentence of the message.</summary>
    public static string Describe(JsonException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        if (Conversion().Match(message) is { Success: true } match)
        {
            var field = match.Groups["path"].Value.TrimStart('$').TrimStart('.');
            return $"field '{(field.Length == 0 ? "(the document)" : field)}' must be {Kind(match.Groups["type"].Value)}";
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        var text = cut > 0 ? message[..cut] : message;
        return error.Path is { Length: > 1 } path ? $"{text} (at {path})" : text;
    }

    private static string Kind(string clrType) => clrType.Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']') switch
    {
        "System.Int32" => "a whole number from -2147483648 to 2147483647",
        "System.Int64" => "a whole number",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        var other when other.EndsWith("[]", StringComparison.Ordinal) || other.Contains("List`1", StringComparison.Ordinal) => "a list of the right kind of items",
        var other => $"a value of type {other.Split('.')[^1]}",
    };

    [GeneratedRegex(@"could not be converted to (?<type>[^ ]+?)\.? Path: (?<path>\$[^ |]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Conversion();
}
