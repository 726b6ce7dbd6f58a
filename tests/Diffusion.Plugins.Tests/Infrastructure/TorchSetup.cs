using System.Runtime.CompilerServices;
using Diffusion.Torch;

namespace Diffusion.Plugins.Tests.Infrastructure;

/// <summary>Loads the native TorchSharp runtime once for the test assembly, before any test touches a tensor.</summary>
internal static class TorchSetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { Device = "cpu" });
}
