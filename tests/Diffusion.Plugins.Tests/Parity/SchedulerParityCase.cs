using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Diffusion.Plugins.Tests.Parity;

/// <summary>One reference case: <c>&lt;name&gt;.json</c> (what diffusers ran) next to <c>&lt;name&gt;.safetensors</c> (what it produced).</summary>
public sealed partial record SchedulerParityCase(string Name, string JsonPath, JsonObject Document)
{
    public static string Folder => Infrastructure.Fixtures.Path("schedulers");

    public static IReadOnlyList<string> Names() =>
        [.. Directory.EnumerateFiles(Folder, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)];

    public static SchedulerParityCase Load(string name)
    {
        var path = Path.Combine(Folder, name + ".json");
        return new SchedulerParityCase(name, path, (JsonObject)JsonNode.Parse(QuoteNonFiniteNumbers(File.ReadAllText(path)))!);
    }

    public string TensorsPath => Path.ChangeExtension(JsonPath, ".safetensors");

    public string SchedulerClass => (string)Document["scheduler"]!;

    public JsonObject Config => (JsonObject)(Document["config"]?.DeepClone() ?? new JsonObject());

    public JsonObject? StepKwargs => Document["step_kwargs"]?.DeepClone() as JsonObject;

    public int Steps => (int)Document["num_inference_steps"]!;

    public long[] Shape => Document["shape"]!.AsArray().Select(n => (long)n!).ToArray();

    public string Model => (string)Document["model"]!;

    public ulong StepSeed => Seed((string)Document["step_generator"]!, "step_generator");

    public ulong InitSeed => Seed((string)Document["init"]!, "init");

    /// <summary>init_noise_sigma as the "init" text states it ("(= 14.6…)"), else the config's sigma_max (VE schedules).</summary>
    public double InitNoiseSigma
    {
        get
        {
            var match = InitSigmaPattern().Match((string)Document["init"]!);
            if (match.Success)
            {
                return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            return (double?)Document["config"]?["sigma_max"] ?? 1.0;
        }
    }

    public override string ToString() => Name;

    private static ulong Seed(string text, string field)
    {
        var match = SeedPattern().Match(text);
        return match.Success
            ? ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new FormatException($"no manual_seed(n) in the case's {field}: {text}");
    }

    [GeneratedRegex(@"manual_seed\((\d+)\)")]
    private static partial Regex SeedPattern();

    [GeneratedRegex(@"\(=\s*([0-9.eE+-]+)\s*\)")]
    private static partial Regex InitSigmaPattern();

    /// <summary>
    /// Python's json writes -Infinity, Infinity and NaN as bare tokens (e.g. lambda_min_clipped in a full config dump);
    /// System.Text.Json rejects them, so they become strings, which the mappings read as numbers.
    /// </summary>
    private static string QuoteNonFiniteNumbers(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, @"(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])", "\"$1\"");
}
