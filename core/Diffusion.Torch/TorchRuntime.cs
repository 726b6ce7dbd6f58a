using System.Globalization;
using System.Reflection;
using Diffusion.Torch.Native;
using TorchSharp;

namespace Diffusion.Torch;

/// <summary>
/// The one entry point that makes TorchSharp usable in this process: finds libtorch (option,
/// DIFFUSION_LIBTORCH_DIR, app folder, NuGet folder), loads it and LibTorchSharp by absolute path
/// (using a patched LibTorchSharp copy where the system libstdc++ is too old), applies thread
/// settings and resolves the device. Call it before any other torch use.
/// </summary>
public static class TorchRuntime
{
    // Separate from NativeLoader's lock on purpose: this one is held while calling into torch, whose
    // static constructor may need NativeLoader's lock from another thread; sharing one lock could deadlock.
    private static readonly Lock InfoGate = new();
    private static volatile TorchRuntimeInfo? _info;

    /// <summary>
    /// Loads the native libraries (once per process), sets torch's thread count when
    /// <see cref="TorchRuntimeOptions.Threads"/> is given, validates the device and returns what was found.
    /// Safe to call from several threads and many times; later calls may change threads but not libtorch.
    /// </summary>
    /// <exception cref="TorchRuntimeException">A library was not found or did not load, or the device is not usable.</exception>
    public static TorchRuntimeInfo EnsureInitialized(TorchRuntimeOptions? options = null)
    {
        options ??= new TorchRuntimeOptions();
        if (options.Threads is <= 0)
            throw new TorchRuntimeException($"TorchRuntimeOptions.Threads must be positive, got {options.Threads}. Leave it null for libtorch's default.");

        var native = NativeLoader.EnsureLoaded(options.LibTorchDirectory);
        lock (InfoGate)
        {
            if (_info is { } existing && options.Threads is null && existing.Device == ResolveDeviceCore(options.Device).ToString())
                return existing;

            if (options.Threads is { } threads)
                torch.set_num_threads(threads);
            var device = ResolveDeviceCore(options.Device);
            var cuda = torch.cuda.is_available();
            var info = new TorchRuntimeInfo
            {
                TorchSharpVersion = TorchSharpVersion(),
                LibTorchVersion = BuildInfo.LibTorchVersion,
                LibTorchDirectory = native.LibTorch.Directory,
                LibTorchSource = native.LibTorch.Source,
                LibTorchSharpPath = native.LibTorchSharpPath,
                UsedCompatibilityCopy = native.Compatibility.Patched,
                CompatibilityReason = native.Compatibility.Reason,
                LibStdCxxPath = native.LibStdCxx?.Path,
                SystemGlibcxxMaxVersion = native.LibStdCxx?.MaxGlibcxx,
                CudaAvailable = cuda,
                CudaDeviceCount = cuda ? torch.cuda.device_count() : 0,
                Threads = torch.get_num_threads(),
                Device = device.ToString(),
                NativeLibrariesLoaded = native.Loaded,
            };
            _info = info;
            return info;
        }
    }

    /// <summary>What the last <see cref="EnsureInitialized"/> found.</summary>
    /// <exception cref="TorchRuntimeException">EnsureInitialized has not run yet.</exception>
    public static TorchRuntimeInfo Info => _info ?? throw new TorchRuntimeException(
        "TorchRuntime is not initialized. Call TorchRuntime.EnsureInitialized() at startup, before any torch use.");

    /// <summary>
    /// Maps a device spec to a torch device: <c>auto</c> gives CUDA when available, otherwise CPU;
    /// <c>cpu</c>, <c>cuda</c> and <c>cuda:N</c> are checked against what this machine has.
    /// Initializes the runtime with defaults if that has not happened yet.
    /// </summary>
    /// <exception cref="TorchRuntimeException">The spec is malformed or names a device that is not available.</exception>
    public static torch.Device ResolveDevice(string spec)
    {
        if (_info is null)
            EnsureInitialized();
        return ResolveDeviceCore(spec);
    }

    private static torch.Device ResolveDeviceCore(string? spec)
    {
        var s = (spec ?? "").Trim().ToLowerInvariant();
        if (s is "cpu")
            return torch.CPU;
        if (s is "auto")
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;

        int index = 0;
        if (s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
                throw BadSpec(spec);
        }
        else if (s is not "cuda")
        {
            throw BadSpec(spec);
        }

        if (!torch.cuda.is_available())
            throw new TorchRuntimeException(
                $"Device '{spec}' was requested but CUDA is not available: the loaded libtorch ({NativeLoader.Result?.LibTorch.Directory}) " +
                $"has no CUDA support or no GPU is visible. Set {NativeLocator.LibTorchDirVariable} to a CUDA-enabled PyTorch install's " +
                "torch/lib folder on a machine with an NVIDIA GPU, or use device 'cpu' or 'auto'.");
        var count = torch.cuda.device_count();
        if (index >= count)
            throw new TorchRuntimeException(
                $"Device '{spec}' was requested but only {count} CUDA device(s) are visible (cuda:0..cuda:{count - 1}). " +
                "Pick an existing index, or check CUDA_VISIBLE_DEVICES.");
        return new torch.Device(DeviceType.CUDA, index);
    }

    private static TorchRuntimeException BadSpec(string? spec) => new(
        $"Device '{spec}' is not understood. Use 'auto', 'cpu', 'cuda' or 'cuda:N' (N = GPU index, e.g. 'cuda:0').");

    private static string TorchSharpVersion()
    {
        var asm = typeof(torch).Assembly;
        var v = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? asm.GetName().Version?.ToString() ?? "unknown";
        return v.Split('+')[0];
    }
}
