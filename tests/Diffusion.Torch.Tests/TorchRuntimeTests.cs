using Diffusion.Torch.Native;
using TorchSharp;

namespace Diffusion.Torch.Tests;

public class TorchRuntimeTests
{
    public TorchRuntimeTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void Randn_with_seed_0_matches_pytorch()
    {
        torch.manual_seed(0);
        using var t = torch.randn(5);
        // torch.manual_seed(0); torch.randn(5) in PyTorch 2.x.
        t.data<float>().ToArray().Should().BeEquivalentTo(
            new[] { 1.540996f, -0.293429f, -2.178789f, 0.568431f, -1.084522f },
            o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Info_reports_what_was_loaded()
    {
        var info = TorchRuntime.Info;
        info.TorchSharpVersion.Should().StartWith("0.107");
        info.LibTorchSharpPath.Should().EndWith("libLibTorchSharp.so");
        File.Exists(info.LibTorchSharpPath).Should().BeTrue();
        info.NativeLibrariesLoaded.Should().Contain(p => p.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        info.Threads.Should().BePositive();
        info.Device.Should().Be(info.CudaAvailable ? "cuda" : "cpu");
        info.CudaDeviceCount.Should().Be(info.CudaAvailable ? torch.cuda.device_count() : 0);
    }

    [Fact]
    public void Libtorch_is_not_copied_into_the_output_folder()
    {
        var info = TorchRuntime.Info;
        if (Environment.GetEnvironmentVariable(NativeLocator.LibTorchDirVariable) is null)
            info.LibTorchSource.Should().Be("NuGet package folder");
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libtorch_cpu.so", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public void Compatibility_copy_is_used_exactly_when_libstdcxx_is_older_than_GLIBCXX_3_4_32()
    {
        var info = TorchRuntime.Info;
        info.SystemGlibcxxMaxVersion.Should().StartWith("GLIBCXX_3.4.");
        var max = Version.Parse(info.SystemGlibcxxMaxVersion!["GLIBCXX_".Length..]);
        var needsCopy = max < new Version(3, 4, 32);

        info.UsedCompatibilityCopy.Should().Be(needsCopy, info.CompatibilityReason);
        if (needsCopy)
        {
            // On this Debian 12 machine: the loaded LibTorchSharp is the patched copy in the user cache.
            info.LibTorchSharpPath.Should().Contain("diffusion-dotnet/native/");
            info.CompatibilityReason.Should().Contain("GLIBCXX_3.4.32");
            ElfImage.Load(info.LibTorchSharpPath).VersionNeeds
                .Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak.Should().BeTrue();
        }
    }

    [Fact]
    public void EnsureInitialized_is_idempotent_and_thread_safe()
    {
        var infos = new TorchRuntimeInfo[8];
        Parallel.For(0, infos.Length, i => infos[i] = TorchRuntime.EnsureInitialized());
        infos.Select(i => i.LibTorchSharpPath).Distinct().Should().ContainSingle();
        infos.Select(i => i.LibTorchDirectory).Distinct().Should().ContainSingle();
    }

    [Fact]
    public void Switching_libtorch_after_load_is_rejected()
    {
        var act = () => TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { LibTorchDirectory = TorchRuntime.Info.LibTorchDirectory + "/../other" });
        act.Should().Throw<TorchRuntimeException>().WithMessage("*already loaded from*");
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void ResolveDevice_rejects_malformed_specs(string spec)
    {
        var act = () => TorchRuntime.ResolveDevice(spec);
        act.Should().Throw<TorchRuntimeException>().WithMessage("*'auto', 'cpu', 'cuda' or 'cuda:N'*");
    }

    [Fact]
    public void ResolveDevice_maps_cpu_and_auto()
    {
        TorchRuntime.ResolveDevice("cpu").type.Should().Be(DeviceType.CPU);
        TorchRuntime.ResolveDevice("CPU").type.Should().Be(DeviceType.CPU);
        TorchRuntime.ResolveDevice("auto").type.Should().Be(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU);
    }

    [Fact]
    public void ResolveDevice_explains_how_to_get_cuda_when_it_is_missing()
    {
        if (torch.cuda.is_available())
        {
            var tooHigh = $"cuda:{torch.cuda.device_count()}";
            FluentActions.Invoking(() => TorchRuntime.ResolveDevice(tooHigh))
                .Should().Throw<TorchRuntimeException>().WithMessage("*CUDA device(s) are visible*");
            return;
        }
        FluentActions.Invoking(() => TorchRuntime.ResolveDevice("cuda"))
            .Should().Throw<TorchRuntimeException>().WithMessage("*CUDA is not available*DIFFUSION_LIBTORCH_DIR*");
        FluentActions.Invoking(() => TorchRuntime.ResolveDevice("cuda:1"))
            .Should().Throw<TorchRuntimeException>().WithMessage("*CUDA is not available*");
    }

    [Fact]
    public void Bad_thread_count_is_rejected()
    {
        var act = () => TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { Threads = 0 });
        act.Should().Throw<TorchRuntimeException>().WithMessage("*Threads must be positive*");
    }
}
