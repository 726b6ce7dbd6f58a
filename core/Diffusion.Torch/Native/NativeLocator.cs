namespace Diffusion.Torch.Native;

/// <summary>A folder holding libtorch, and which rule found it.</summary>
internal sealed record LibTorchLocation(string Directory, string Source);

/// <summary>
/// Finds libtorch and LibTorchSharp on disk. Order: explicit option, DIFFUSION_LIBTORCH_DIR, the
/// application folder (a published app may carry its own copy), then the NuGet package folder,
/// which is where builds find them since no bin folder gets a copy.
/// </summary>
internal static class NativeLocator
{
    /// <summary>Environment variable naming a libtorch folder, e.g. a PyTorch install's torch/lib.</summary>
    public const string LibTorchDirVariable = "DIFFUSION_LIBTORCH_DIR";

    private const string Marker = "libtorch_cpu.so";
    private const string LibTorchSharpFile = "libLibTorchSharp.so";
    private const string Rid = "linux-x64";

    /// <summary>Finds the libtorch folder or throws a <see cref="TorchRuntimeException"/> listing every place tried.</summary>
    public static LibTorchLocation FindLibTorch(string? explicitDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
            return RequireMarker(explicitDirectory, "TorchRuntimeOptions.LibTorchDirectory");
        var fromEnv = Environment.GetEnvironmentVariable(LibTorchDirVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return RequireMarker(fromEnv, LibTorchDirVariable);

        var tried = new List<string>();
        foreach (var dir in AppDirectories())
        {
            tried.Add(dir);
            if (File.Exists(Path.Combine(dir, Marker)))
                return new LibTorchLocation(dir, "application folder");
        }
        foreach (var root in NuGetRoots())
        {
            var dir = Path.Combine(root, "libtorch-cpu-linux-x64", BuildInfo.LibTorchVersion, "runtimes", Rid, "native");
            tried.Add(dir);
            if (File.Exists(Path.Combine(dir, Marker)))
                return new LibTorchLocation(dir, "NuGet package folder");
        }
        throw new TorchRuntimeException(
            $"libtorch ({Marker}) was not found. Looked in: {string.Join(", ", tried)}. " +
            $"Run 'dotnet restore' so the libtorch-cpu-linux-x64 {BuildInfo.LibTorchVersion} package is in the NuGet folder " +
            $"(set NUGET_PACKAGES if it lives elsewhere), or set {LibTorchDirVariable} to a folder holding libtorch " +
            "(e.g. a PyTorch install's torch/lib).");
    }

    /// <summary>Finds libLibTorchSharp.so: next to libtorch, next to the app, then in the TorchSharp package.</summary>
    public static string FindLibTorchSharp(string libTorchDirectory)
    {
        var candidates = new List<string> { Path.Combine(libTorchDirectory, LibTorchSharpFile) };
        candidates.AddRange(AppDirectories().Select(d => Path.Combine(d, LibTorchSharpFile)));
        candidates.AddRange(NuGetRoots().Select(r =>
            Path.Combine(r, "torchsharp", BuildInfo.TorchSharpPackageVersion, "runtimes", Rid, "native", LibTorchSharpFile)));
        return candidates.FirstOrDefault(File.Exists) ?? throw new TorchRuntimeException(
            $"{LibTorchSharpFile} was not found. Looked in: {string.Join(", ", candidates)}. " +
            $"Run 'dotnet restore' so the TorchSharp {BuildInfo.TorchSharpPackageVersion} package is in the NuGet folder, " +
            "or place the file next to the application.");
    }

    /// <summary>The folders of the running application where a publish step may have put native libraries.</summary>
    public static IEnumerable<string> AppDirectories()
    {
        var app = AppContext.BaseDirectory;
        yield return Path.GetFullPath(app);
        yield return Path.Combine(app, "libtorch");
        yield return Path.Combine(app, "libtorch", "lib");
        yield return Path.Combine(app, "runtimes", Rid, "native");
    }

    /// <summary>
    /// NuGet global package folders: NUGET_PACKAGES, the app's own restore folder (written into its runtimeconfig by the
    /// Diffusion.Hosting package), the one baked in when Diffusion.Torch was built, then ~/.nuget/packages.
    /// </summary>
    public static IEnumerable<string> NuGetRoots()
    {
        var roots = new[]
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            AppContext.GetData("Diffusion.Torch.NuGetPackageRoot") as string,
            BuildInfo.NuGetPackageRoot,
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        return roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Path.GetFullPath(r!)).Distinct(StringComparer.Ordinal);
    }

    private static LibTorchLocation RequireMarker(string dir, string source)
    {
        // An explicit choice that is wrong must fail loudly, not fall back to another libtorch silently.
        var full = Path.GetFullPath(dir);
        if (!File.Exists(Path.Combine(full, Marker)))
            throw new TorchRuntimeException(
                $"{source} is '{full}', but that folder has no {Marker}. Point it at a folder holding libtorch.so and " +
                $"{Marker}, such as <python site-packages>/torch/lib, or unset it to use the NuGet libtorch.");
        return new LibTorchLocation(full, source);
    }
}
