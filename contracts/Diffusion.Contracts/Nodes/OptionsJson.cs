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
