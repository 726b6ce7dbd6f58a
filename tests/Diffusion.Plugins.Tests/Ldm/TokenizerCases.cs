using System.Text.Json;
using System.Text.Json.Serialization;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary>The reference tokenizer cases: <c>&lt;fixtures&gt;/tokenizer/cases.json</c> (text, ids with BOS/EOS, padded-77 ids).</summary>
public sealed record TokenizerCase(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("input_ids")] int[] InputIds,
    [property: JsonPropertyName("input_ids_padded_77")] int[] InputIdsPadded77)
{
    private static readonly JsonSerializerOptions Json = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static string Folder => Fixtures.Path("tokenizer");

    public static IReadOnlyList<TokenizerCase> Load(string folder)
    {
        var cases = JsonSerializer.Deserialize<List<TokenizerCase>>(File.ReadAllText(Path.Combine(folder, "cases.json")), Json)
            ?? throw new InvalidDataException($"{folder}/cases.json is empty.");
        foreach (var c in cases)
        {
            if (c.Text is null || c.InputIds is null || c.InputIdsPadded77 is null)
            {
                throw new InvalidDataException($"{folder}/cases.json: every case needs text, input_ids and input_ids_padded_77.");
            }
        }

        return cases;
    }
}
