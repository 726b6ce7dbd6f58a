using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Server;

/// <summary>The one JSON shape of the server: camelCase, enums as strings, nulls left out.</summary>
internal static class ServerJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
