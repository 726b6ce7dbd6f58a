using Diffusion.Core.Plugins;

namespace Diffusion.Core.Tests.Plugins;

public sealed class SharedAssemblyReferenceCheckTests : IDisposable
{
    private readonly PluginTestFolders folders = new();

    public void Dispose() => folders.Dispose();

    [Theory]
    [InlineData("1.0.0.1", "1.0.0.0", true)]
    [InlineData("1.1.0.0", "1.0.0.0", true)]
    [InlineData("2.0.0.0", "1.9.9.9", true)]
    [InlineData("1.0", "1.0.0.0", false)]
    [InlineData("1.0.0.0", "1.0", false)]
    [InlineData("0.106.0.0", "0.107.0.0", false)]
    [InlineData("10.0.0.0", "10.0.0.0", false)]
    public void IsNewer_compares_all_four_parts(string referenced, string host, bool expected) =>
        SharedAssemblyReferenceCheck.IsNewer(Version.Parse(referenced), Version.Parse(host)).Should().Be(expected);

    [Fact]
    public void Finds_only_references_to_shared_assemblies_newer_than_the_host()
    {
        var path = Path.Combine(folders.Root, "Refs.dll");
        FakeAssemblyWriter.Write(path, "Refs",
            ("TorchSharp", new Version(0, 108, 0, 0)),
            ("Diffusion.Contracts", new Version(1, 0, 0, 0)),
            ("Some.Private.Library", new Version(99, 0, 0, 0)));
        var host = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase)
        {
            ["TorchSharp"] = new(0, 107, 0, 0),
            ["Diffusion.Contracts"] = new(1, 0, 0, 0),
        };

        var mismatches = SharedAssemblyReferenceCheck.FindNewerReferences(path, host);

        mismatches.Should().ContainSingle().Which.Should().Be(
            new SharedAssemblyMismatch(path, "TorchSharp", new Version(0, 108, 0, 0), new Version(0, 107, 0, 0)));
    }

    [Fact]
    public void A_file_without_dotnet_metadata_has_no_shared_references()
    {
        // Plugin folders also hold native libraries (*.dll on Windows); they bind to nothing shared.
        var path = Path.Combine(folders.Root, "native.dll");
        File.WriteAllBytes(path, new byte[512]);
        var host = new Dictionary<string, Version> { ["TorchSharp"] = new(0, 107, 0, 0) };

        SharedAssemblyReferenceCheck.FindNewerReferences(path, host).Should().BeEmpty();
    }

    [Fact]
    public void Host_shares_contracts_torchsharp_and_the_extensions_abstractions()
    {
        var versions = SharedPluginAssemblies.VersionsOf(SharedPluginAssemblies.ResolveFromHost());

        versions.Keys.Should().Contain(["Diffusion.Contracts", "TorchSharp", "Diffusion.Torch", "Diffusion.Nn",
            "Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions"]);
        versions["Diffusion.Contracts"].Should().Be(typeof(Diffusion.Contracts.IDiffusionPlugin).Assembly.GetName().Version);
    }
}
