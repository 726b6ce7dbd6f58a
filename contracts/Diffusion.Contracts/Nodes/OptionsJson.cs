using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Contracts;

/// <summary>
/// The one JSON convention for options records and node params: snake_case names (as diffusers configs use),
/// unknown members rejected, enums as snake_case strings (<c>VPrediction</c> is <c>"v_prediction"</c>; a member may
/// carry <see cref="JsonStringEnumMemberNameAttribute"/> for another spelling), so an options record round-trips exactly
/// to its node's <c>params</c>.
/// </summary>
public static class OptionsJson
{
    /// <summary>Serializer options for options records.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The params name of an enum value (<c>PredictionType.VPrediction</c> is <c>v_prediction</c>).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonSerializer.SerializeToElement(value, Options).GetString()!;

    /// <summary>
    /// The enum value a params name stands for; an <see cref="ArgumentException"/> that names <paramref name="where"/>
    /// and lists the allowed names when it stands for none (for names read from files, such as checkpoint metadata).
    /// </summary>
    public static TEnum Parse<TEnum>(string? name, string where) where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(where);
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Name(value), name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        var allowed = Enum.GetValues<TEnum>().Select(Name).ToList();
        throw new ArgumentException($"{where}: '{name}' is not one of {string.Join(", ", allowed)}.{Suggestions.DidYouMean(name ?? "", allowed)}");
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
