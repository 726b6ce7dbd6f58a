using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Sdk;

/// <summary>
/// Reads a diffusers <c>scheduler_config.json</c> for one class: every field must be read (or explicitly accepted) by
/// the mapping, so a field we do not reproduce fails loudly with its name and the class instead of being ignored.
/// </summary>
public sealed class DiffusersConfig
{
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal) { "_class_name", "_diffusers_version", "_use_default_values" };
    private readonly JsonObject config;
    private readonly JsonObject stepKwargs;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);
    private readonly HashSet<string> readKwargs = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="config"/> of diffusers class <paramref name="className"/>, with <c>step()</c> keyword arguments.</summary>
    public DiffusersConfig(string className, JsonObject config, JsonObject? stepKwargs)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        ClassName = className;
        this.config = config;
        this.stepKwargs = stepKwargs ?? [];
    }

    /// <summary>The diffusers class name.</summary>
    public string ClassName { get; }

    /// <summary>The field's value, or diffusers' default when absent or null.</summary>
    public T Get<T>(string field, T defaultValue)
    {
        read.Add(field);
        return Read(config, field, defaultValue, "field");
    }

    /// <summary>A step() keyword argument, or its default.</summary>
    public T StepArg<T>(string name, T defaultValue)
    {
        readKwargs.Add(name);
        return Read(stepKwargs, name, defaultValue, "step argument");
    }

    /// <summary>A string field restricted to the values we reproduce.</summary>
    public string Choice(string field, string defaultValue, params string[] supported)
    {
        var value = Get(field, defaultValue);
        if (!supported.Contains(value, StringComparer.Ordinal))
        {
            throw Unsupported(field, value, $"supported: {string.Join(", ", supported)}");
        }

        return value;
    }

    /// <summary>A field we reproduce only at one value (typically diffusers' default).</summary>
    public void Only<T>(string field, T defaultValue, T supported)
    {
        var value = Get(field, defaultValue);
        if (!EqualityComparer<T>.Default.Equals(value, supported))
        {
            throw Unsupported(field, value, $"only {Format(supported)} is supported");
        }
    }

    /// <summary>Throws for any field or step argument no mapping rule read.</summary>
    public void EnsureAllRead()
    {
        foreach (var (name, _) in config)
        {
            if (!read.Contains(name) && !Bookkeeping.Contains(name))
            {
                throw new NotSupportedException(
                    $"{ClassName}: config field '{name}' is not supported by this mapping (it is not a {ClassName} field we reproduce); remove it or use another scheduler.");
            }
        }

        foreach (var (name, _) in stepKwargs)
        {
            if (!readKwargs.Contains(name))
            {
                throw new NotSupportedException($"{ClassName}: step argument '{name}' is not supported by this mapping.");
            }
        }
    }

    /// <summary>The error for a field value this mapping cannot reproduce.</summary>
    public NotSupportedException Unsupported(string field, object? value, string hint) =>
        new($"{ClassName}: config field '{field}' = {Format(value)} is not supported ({hint}).");

    /// <summary>
    /// The <c>scheduler.discrete</c> params shared by every diffusers class: betas, spacing, offset, zero-SNR rescale.
    /// </summary>
    /// <param name="betaStart">The class's default beta_start.</param>
    /// <param name="betaEnd">The class's default beta_end.</param>
    /// <param name="spacing">The class's default timestep_spacing.</param>
    /// <param name="hasRescale">Whether the class has rescale_betas_zero_snr.</param>
    /// <param name="betaSchedules">The beta schedules the class implements (besides given trained_betas).</param>
    public JsonObject ScheduleParams(double betaStart = 0.0001, double betaEnd = 0.02, string spacing = "leading", bool hasRescale = true,
        string[]? betaSchedules = null)
    {
        var trained = Get<double[]?>("trained_betas", null);
        betaSchedules ??= ["linear", "scaled_linear", "squaredcos_cap_v2"];
        var result = new JsonObject
        {
            ["num_train_timesteps"] = Get("num_train_timesteps", 1000),
            ["beta_start"] = Get("beta_start", betaStart),
            ["beta_end"] = Get("beta_end", betaEnd),
            // diffusers ignores beta_schedule when trained_betas are given.
            ["beta_schedule"] = trained is null ? Choice("beta_schedule", "linear", betaSchedules) : Get("beta_schedule", "linear"),
            ["timestep_spacing"] = Choice("timestep_spacing", spacing, "leading", "trailing", "linspace"),
            ["steps_offset"] = Get("steps_offset", 0),
        };
        if (trained is not null)
        {
            result["trained_betas"] = new JsonArray([.. trained.Select(b => (JsonNode?)JsonValue.Create(b))]);
        }

        if (hasRescale)
        {
            result["rescale_betas_zero_snr"] = Get("rescale_betas_zero_snr", false);
        }

        return result;
    }

    private T Read<T>(JsonObject source, string name, T defaultValue, string what)
    {
        var node = source[name];
        if (node is null)
        {
            return defaultValue;
        }

        try
        {
            return node.Deserialize<T>() ?? defaultValue;
        }
        catch (JsonException ex)
        {
            throw new NotSupportedException($"{ClassName}: {what} '{name}' = {node.ToJsonString()} has the wrong type ({ex.Message}).", ex);
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };
}
