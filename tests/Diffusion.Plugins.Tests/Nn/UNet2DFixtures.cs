using System.Text.Json.Nodes;
using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>The reference model folders that hold a diffusers UNet2DModel (other model families are skipped here).</summary>
public static class UNet2DFixtures
{
    public static IEnumerable<object[]> Folders() =>
        Directory.EnumerateDirectories(Fixtures.Path("models"))
            .Where(IsUNet2D)
            .Order(StringComparer.Ordinal)
            .Select(dir => new object[] { System.IO.Path.GetFileName(dir) });

    public static bool IsUNet2D(string folder)
    {
        var configPath = System.IO.Path.Combine(folder, "config.json");
        return File.Exists(configPath)
            && JsonNode.Parse(File.ReadAllText(configPath)) is JsonObject config
            && UNet2DConfig.Describes(config);
    }
}
