using System.Reflection;

namespace Diffusion.Torch.Native;

/// <summary>Values baked into this assembly at build time (AssemblyMetadata items in the csproj).</summary>
internal static class BuildInfo
{
    /// <summary>The NuGet global packages folder that restore used when this assembly was built.</summary>
    public static string? NuGetPackageRoot => Get("Diffusion.Torch.NuGetPackageRoot");

    /// <summary>The TorchSharp package version referenced at build time.</summary>
    public static string TorchSharpPackageVersion => Get("Diffusion.Torch.TorchSharpVersion") ?? "0.107.0";

    /// <summary>The libtorch package version referenced at build time.</summary>
    public static string LibTorchVersion => Get("Diffusion.Torch.LibTorchVersion") ?? "2.10.0";

    private static string? Get(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key && !string.IsNullOrWhiteSpace(a.Value))?.Value;
}
