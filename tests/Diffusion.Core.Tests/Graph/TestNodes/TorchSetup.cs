using System.Runtime.CompilerServices;
using Diffusion.Torch;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>
/// The executor resolves the run's device through <see cref="TorchRuntime"/>, so the native runtime is loaded once for
/// the test assembly on the CPU before any test runs.
/// </summary>
internal static class TorchSetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { Device = "cpu" });
}
