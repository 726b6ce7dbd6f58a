using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Diffusion.Torch.Native;

/// <summary>The outcome of loading the native libraries; immutable once published.</summary>
internal sealed record NativeLoadResult(
    LibTorchLocation LibTorch,
    string LibTorchSharpPath,
    CompatibilityDecision Compatibility,
    LibStdCxxInfo? LibStdCxx,
    IReadOnlyList<string> Loaded,
    IReadOnlyDictionary<string, IntPtr> Handles);

/// <summary>
/// Loads libtorch and LibTorchSharp by absolute path and answers TorchSharp's by-name lookups
/// ("LibTorchSharp", "torch_cpu", "torch_cuda") with those handles: a DllImportResolver on the
/// TorchSharp assembly serves its P/Invokes, and a ResolvingUnmanagedDll handler serves the
/// NativeLibrary.TryLoad probes of its LoadNativeBackend. Name-based probing would otherwise hit the bin folder's original
/// LibTorchSharp (which fails on old libstdc++, or cannot find libtorch that is not copied there)
/// and then TorchSharp's fallback that copies all of libtorch next to the app.
/// </summary>
internal static class NativeLoader
{
    private static readonly Lock Gate = new();
    private static volatile NativeLoadResult? _result;
    private static string? _resolverProblem;

    /// <summary>The loaded state, or null before the first load.</summary>
    public static NativeLoadResult? Result => _result;

    /// <summary>Why the DllImportResolver could not be installed, if it could not.</summary>
    public static string? ResolverProblem => _resolverProblem;

    /// <summary>Whether this process gets the custom loading (Linux x64); elsewhere TorchSharp's own loader is used.</summary>
    public static bool IsSupportedPlatform => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

#pragma warning disable CA2255 // ModuleInitializer in a library: intended, see below.
    /// <summary>
    /// Installs the resolver as soon as this assembly is used, so code that touches torch before calling
    /// <see cref="TorchRuntime.EnsureInitialized"/> still gets the right libraries (with default options)
    /// instead of TorchSharp's copy-everything fallback.
    /// </summary>
    [ModuleInitializer]
    internal static void InstallResolver()
#pragma warning restore CA2255
    {
        if (!IsSupportedPlatform)
            return;
        var torchAssembly = typeof(TorchSharp.torch).Assembly;
        // TorchSharp's LoadNativeBackend probes with NativeLibrary.TryLoad(name, assembly), which skips
        // DllImportResolvers; the load context's fallback event is what answers it. P/Invokes use the resolver.
        (AssemblyLoadContext.GetLoadContext(torchAssembly) ?? AssemblyLoadContext.Default).ResolvingUnmanagedDll +=
            (assembly, name) => assembly == torchAssembly ? Resolve(name, assembly, null) : IntPtr.Zero;
        try
        {
            NativeLibrary.SetDllImportResolver(torchAssembly, Resolve);
        }
        catch (InvalidOperationException e)
        {
            // Someone else owns TorchSharp's resolver; explicit preloading below still lets the loader
            // find the libraries by soname, so this is reported rather than fatal.
            _resolverProblem = e.Message;
        }
    }

    /// <summary>Loads the natives once per process; later calls must agree on the libtorch folder.</summary>
    public static NativeLoadResult EnsureLoaded(string? explicitDirectory)
    {
        var done = _result;
        if (done is null)
        {
            lock (Gate)
            {
                done = _result ??= Load(explicitDirectory);
            }
        }
        if (!string.IsNullOrWhiteSpace(explicitDirectory)
            && !string.Equals(Path.GetFullPath(explicitDirectory), done.LibTorch.Directory, StringComparison.Ordinal))
            throw new TorchRuntimeException(
                $"libtorch is already loaded from {done.LibTorch.Directory} ({done.LibTorch.Source}); it cannot be switched to " +
                $"{explicitDirectory} in the same process. Call TorchRuntime.EnsureInitialized with that directory before any other torch use.");
        return done;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var key = Key(name);
        if (key is not ("LibTorchSharp" or "torch_cpu" or "torch_cuda" or "torch" or "c10"))
            return IntPtr.Zero;
        // First torch use without EnsureInitialized: load with defaults (never touches torch itself,
        // since this runs inside TorchSharp's static constructor).
        var result = _result ?? EnsureLoaded(null);
        return result.Handles.TryGetValue(key, out var handle) ? handle : IntPtr.Zero;
    }

    private static string Key(string name)
    {
        var file = Path.GetFileName(name);
        if (file.StartsWith("lib", StringComparison.Ordinal))
            file = file[3..];
        var so = file.IndexOf(".so", StringComparison.Ordinal);
        return so >= 0 ? file[..so] : file;
    }

    private static NativeLoadResult Load(string? explicitDirectory)
    {
        if (!IsSupportedPlatform)
        {
            var none = new CompatibilityDecision("(TorchSharp default loader)", false, "custom loading is only done on linux-x64", []);
            return new NativeLoadResult(new LibTorchLocation("(TorchSharp default loader)", "TorchSharp default loader"),
                none.PathToLoad, none, null, [], new Dictionary<string, IntPtr>());
        }

        var location = NativeLocator.FindLibTorch(explicitDirectory);
        var original = NativeLocator.FindLibTorchSharp(location.Directory);
        LibStdCxxInfo libstdcxx;
        CompatibilityDecision decision;
        try
        {
            libstdcxx = LibStdCxxProbe.Probe();
            decision = CompatibilityCopy.Prepare(original, libstdcxx, CompatibilityCopy.DefaultCacheRoot());
        }
        catch (InvalidDataException e)
        {
            throw new TorchRuntimeException($"Could not inspect native libraries: {e.Message} Reinstall the TorchSharp package ('dotnet restore --force').", e);
        }

        var handles = new Dictionary<string, IntPtr>(StringComparer.Ordinal);
        var loaded = new List<string>();
        // Dependencies first, by absolute path: once loaded, the dynamic loader matches LibTorchSharp's
        // DT_NEEDED entries (libtorch.so, libc10.so, ...) against their sonames, wherever LibTorchSharp lives.
        foreach (var lib in new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" })
        {
            var path = Path.Combine(location.Directory, lib);
            if (!File.Exists(path))
                continue;
            handles[Key(lib)] = LoadOne(path, $"a libtorch library from {location.Source}",
                $"Check that {location.Directory} holds a complete libtorch {BuildInfo.LibTorchVersion} for linux-x64, or set {NativeLocator.LibTorchDirVariable} to one.");
            loaded.Add(path);
        }
        handles["LibTorchSharp"] = LoadOne(decision.PathToLoad, decision.Patched ? "the LibTorchSharp compatibility copy" : "LibTorchSharp",
            $"LibTorchSharp {BuildInfo.TorchSharpPackageVersion} must match libtorch {BuildInfo.LibTorchVersion}; check {location.Directory}. " +
            $"Compatibility check: {decision.Reason}.");
        loaded.Add(decision.PathToLoad);

        return new NativeLoadResult(location, decision.PathToLoad, decision, libstdcxx, loaded, handles);
    }

    private static IntPtr LoadOne(string path, string what, string advice)
    {
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new TorchRuntimeException($"Failed to load {what} at {path}: {e.Message} {advice}", e);
        }
    }
}
