namespace Diffusion.Torch;

/// <summary>What <see cref="TorchRuntime.EnsureInitialized"/> loaded and found; useful in logs and bug reports.</summary>
public sealed record TorchRuntimeInfo
{
    /// <summary>The TorchSharp assembly's version.</summary>
    public required string TorchSharpVersion { get; init; }

    /// <summary>The libtorch version this build was made against.</summary>
    public required string LibTorchVersion { get; init; }

    /// <summary>The folder libtorch was loaded from.</summary>
    public required string LibTorchDirectory { get; init; }

    /// <summary>Where <see cref="LibTorchDirectory"/> came from: option, DIFFUSION_LIBTORCH_DIR, application folder, NuGet package folder or the TorchSharp default loader.</summary>
    public required string LibTorchSource { get; init; }

    /// <summary>The LibTorchSharp binary actually loaded (the original or the compatibility copy).</summary>
    public required string LibTorchSharpPath { get; init; }

    /// <summary>Whether <see cref="LibTorchSharpPath"/> is the patched compatibility copy.</summary>
    public required bool UsedCompatibilityCopy { get; init; }

    /// <summary>Why the compatibility copy was or was not used.</summary>
    public required string CompatibilityReason { get; init; }

    /// <summary>The libstdc++ the process uses, if found.</summary>
    public string? LibStdCxxPath { get; init; }

    /// <summary>The highest GLIBCXX version that libstdc++ defines, e.g. GLIBCXX_3.4.30.</summary>
    public string? SystemGlibcxxMaxVersion { get; init; }

    /// <summary>Whether torch reports CUDA as available.</summary>
    public required bool CudaAvailable { get; init; }

    /// <summary>How many CUDA devices torch sees (0 without CUDA).</summary>
    public required int CudaDeviceCount { get; init; }

    /// <summary>torch's intra-op thread count after initialization.</summary>
    public required int Threads { get; init; }

    /// <summary>The device that <see cref="TorchRuntimeOptions.Device"/> resolved to, e.g. <c>cpu</c> or <c>cuda:0</c>.</summary>
    public required string Device { get; init; }

    /// <summary>Absolute paths of the native libraries loaded, in load order.</summary>
    public required IReadOnlyList<string> NativeLibrariesLoaded { get; init; }
}
