using System.Diagnostics;
using Diffusion.Torch.Native;

namespace Diffusion.Torch.Tests;

public sealed class ElfPatchTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "diffusion-elf-tests-" + Guid.NewGuid().ToString("N"));

    private static string OriginalLibTorchSharp() =>
        NativeLocator.NuGetRoots()
            .Select(r => Path.Combine(r, "torchsharp", BuildInfo.TorchSharpPackageVersion, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"))
            .First(File.Exists);

    // A libstdc++ exactly like Debian 12's: everything up to GLIBCXX_3.4.30, whatever this machine has.
    private static LibStdCxxInfo Gcc12LibStdCxx(params string[] alsoMissing)
    {
        var versions = ElfImage.Load(OriginalLibTorchSharp()).VersionNeeds
            .Where(n => n.File == "libstdc++.so.6").Select(n => n.Version)
            .Where(v => v != "GLIBCXX_3.4.31" && v != "GLIBCXX_3.4.32" && v != "GLIBCXX_3.4.33" && !alsoMissing.Contains(v))
            .ToHashSet();
        return new LibStdCxxInfo("/fake/libstdc++.so.6", versions);
    }

    public void Dispose()
    {
        if (Directory.Exists(_cache))
            Directory.Delete(_cache, recursive: true);
    }

    [Fact]
    public void Original_needs_GLIBCXX_3_4_32_only_for_an_unrelocated_symbol()
    {
        var image = ElfImage.Load(OriginalLibTorchSharp());
        var need = image.VersionNeeds.Single(n => n.Version == "GLIBCXX_3.4.32");
        need.File.Should().Be("libstdc++.so.6");
        need.IsWeak.Should().BeFalse();
        image.SymbolsWithVersion(need.Index).Should().Equal(("_ZSt21ios_base_library_initv", false));
    }

    [Fact]
    public void Patch_marks_exactly_the_one_missing_version_weak()
    {
        var original = OriginalLibTorchSharp();
        var decision = CompatibilityCopy.Prepare(original, Gcc12LibStdCxx(), _cache);

        decision.Patched.Should().BeTrue();
        decision.WeakenedVersions.Should().Equal("GLIBCXX_3.4.32");
        decision.PathToLoad.Should().StartWith(_cache).And.EndWith("/libLibTorchSharp.so");

        var before = ElfImage.Load(original).VersionNeeds;
        var after = ElfImage.Load(decision.PathToLoad).VersionNeeds;
        after.Should().HaveCount(before.Count);
        var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
        changed.Should().ContainSingle();
        changed[0].Second.Version.Should().Be("GLIBCXX_3.4.32");
        changed[0].Second.Flags.Should().Be(ElfImage.VerFlagWeak);

        // Nothing else in the file moved: exactly one byte differs.
        var a = File.ReadAllBytes(original);
        var b = File.ReadAllBytes(decision.PathToLoad);
        b.Length.Should().Be(a.Length);
        Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]).Should().Be(1);
    }

    [Fact]
    public void Readelf_agrees_that_the_need_is_weak()
    {
        var decision = CompatibilityCopy.Prepare(OriginalLibTorchSharp(), Gcc12LibStdCxx(), _cache);
        string output;
        try
        {
            using var p = Process.Start(new ProcessStartInfo("readelf", ["-V", decision.PathToLoad]) { RedirectStandardOutput = true })!;
            output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return; // readelf (binutils) not installed: the parser test above covers the same ground.
        }
        output.Should().MatchRegex(@"Name: GLIBCXX_3\.4\.32\s+Flags: WEAK");
        output.Split('\n').Count(l => l.Contains("Flags: WEAK", StringComparison.Ordinal)).Should().Be(1);
    }

    [Fact]
    public void Copy_is_reused_and_repaired()
    {
        var first = CompatibilityCopy.Prepare(OriginalLibTorchSharp(), Gcc12LibStdCxx(), _cache);
        var written = File.GetLastWriteTimeUtc(first.PathToLoad);
        var second = CompatibilityCopy.Prepare(OriginalLibTorchSharp(), Gcc12LibStdCxx(), _cache);
        second.PathToLoad.Should().Be(first.PathToLoad);
        File.GetLastWriteTimeUtc(second.PathToLoad).Should().Be(written);

        File.WriteAllBytes(first.PathToLoad, [1, 2, 3]);
        CompatibilityCopy.Prepare(OriginalLibTorchSharp(), Gcc12LibStdCxx(), _cache);
        ElfImage.Load(first.PathToLoad).VersionNeeds.Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak.Should().BeTrue();
    }

    [Fact]
    public void New_enough_libstdcxx_leaves_the_original_alone()
    {
        var all = ElfImage.Load(OriginalLibTorchSharp()).VersionNeeds.Select(n => n.Version).ToHashSet();
        var decision = CompatibilityCopy.Prepare(OriginalLibTorchSharp(), new LibStdCxxInfo("/fake/libstdc++.so.6", all), _cache);
        decision.Patched.Should().BeFalse();
        decision.PathToLoad.Should().Be(OriginalLibTorchSharp());
        Directory.Exists(_cache).Should().BeFalse();
    }

    [Fact]
    public void Missing_version_with_used_symbols_is_refused_with_advice()
    {
        var act = () => CompatibilityCopy.Prepare(OriginalLibTorchSharp(), Gcc12LibStdCxx("GLIBCXX_3.4.30"), _cache);
        act.Should().Throw<TorchRuntimeException>().WithMessage("*GLIBCXX_3.4.30*really uses*LD_LIBRARY_PATH*");
    }

    [Fact]
    public void Libstdcxx_probe_finds_the_process_library()
    {
        var info = LibStdCxxProbe.Probe();
        info.Path.Should().NotBeNull().And.Contain("libstdc++.so");
        info.MaxGlibcxx.Should().StartWith("GLIBCXX_3.4.");
    }

    [Fact]
    public void Truncated_elf_gives_invalid_data_not_a_crash()
    {
        var bytes = File.ReadAllBytes(OriginalLibTorchSharp())[..4096];
        var act = () => ElfImage.Parse(bytes, "cut.so");
        act.Should().Throw<InvalidDataException>().WithMessage("cut.so: malformed ELF*");
    }
}
