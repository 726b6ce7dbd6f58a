using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Diffusion.Core.Tests.Plugins;

public sealed class PluginCatalogLoaderTests : IDisposable
{
    private readonly PluginTestFolders folders = new();
    private readonly ServiceCollection services = new();
    private readonly NodeTypeRegistry registry = new();

    public void Dispose() => folders.Dispose();

    private PluginLoadReport Load(params string[] paths) =>
        new PluginCatalogLoader().Load(paths, services, registry, NullLogger.Instance);

    [Fact]
    public void Sample_plugin_loads_in_its_own_context_and_registers_transform_scale()
    {
        var report = Load(PluginTestFolders.HelloPlugin);

        report.Failed.Should().BeEmpty();
        var plugin = report.Loaded.Should().ContainSingle().Subject;
        plugin.Manifest.Id.Should().Be("samples.hello");
        plugin.NodeTypes.Should().Equal("transform.scale");
        plugin.AssemblyPath.Should().Be(Path.Combine(PluginTestFolders.HelloPlugin, "Samples.HelloPlugin.dll"));

        registry.TryGet("transform.scale", out var registered).Should().BeTrue();
        registered.PluginId.Should().Be("samples.hello");
        AssemblyLoadContext.GetLoadContext(registered.NodeType.GetType().Assembly).Should().NotBe(AssemblyLoadContext.Default);

        // Shared assemblies: the plugin's PortType.Tensor is the host's, down to the TorchSharp type it carries.
        var input = registered.Descriptor.Inputs.Should().ContainSingle().Subject;
        input.Type.Should().BeSameAs(PortType.Tensor);
        input.Type.ClrType.Should().BeSameAs(typeof(TorchSharp.torch.Tensor));
        registered.Descriptor.Params.Should().ContainSingle(p => p.Name == "factor");
    }

    [Fact]
    public async Task Sample_node_runs_on_a_host_tensor_across_the_plugin_boundary()
    {
        Diffusion.Torch.TorchRuntime.EnsureInitialized();
        Load(PluginTestFolders.HelloPlugin).Failed.Should().BeEmpty();
        registry.TryGet("transform.scale", out var scale).Should().BeTrue();
        using var input = TorchSharp.torch.tensor(new[] { 1f, -2f, 4f });
        var context = new MinimalNodeContext(new JsonObject { ["factor"] = 0.5 }, new Dictionary<string, object> { ["input"] = input });

        var outputs = await scale.NodeType.ExecuteAsync(context);

        using var output = outputs.Values["output"].Should().BeAssignableTo<TorchSharp.torch.Tensor>().Subject;
        output.data<float>().ToArray().Should().Equal(0.5f, -1f, 2f);
    }

    [Fact]
    public void Plugin_built_for_contracts_2_0_is_refused_and_the_rest_still_load()
    {
        folders.Copy(PluginTestFolders.HelloPlugin, "a-future", m => { m["id"] = "samples.future"; m["contracts"] = "2.0"; });
        folders.Copy(PluginTestFolders.HelloPlugin, "b-hello");

        var report = Load(folders.Root);

        report.Loaded.Select(p => p.Manifest.Id).Should().Equal("samples.hello");
        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.IncompatibleContracts);
        failure.PluginId.Should().Be("samples.future");
        failure.Folder.Should().Be(Path.Combine(folders.Root, "a-future"));
        failure.Message.Should().Contain(failure.Folder).And.Contain("2.0").And.Contain("Rebuild");
    }

    [Fact]
    public void Newer_contracts_minor_is_refused()
    {
        var folder = folders.Copy(PluginTestFolders.HelloPlugin, "newer-minor", m => m["contracts"] = $"{ContractsVersion.Major}.{ContractsVersion.Minor + 1}");

        var report = Load(folder);

        report.Loaded.Should().BeEmpty();
        report.Failed.Should().ContainSingle().Which.Kind.Should().Be(PluginFailureKind.IncompatibleContracts);
    }

    [Fact]
    public void Plugin_that_throws_in_Register_leaves_no_node_types_or_services_behind()
    {
        services.AddSingleton<object>(new object());
        var before = services.ToList();

        var report = Load(PluginTestFolders.ThrowingPlugin, PluginTestFolders.HelloPlugin);

        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.RegistrationFailed);
        failure.PluginId.Should().Be("tests.throwing");
        failure.Message.Should().Contain("failed on purpose").And.Contain(PluginTestFolders.ThrowingPlugin);
        registry.TryGet("test.throwing_partial", out _).Should().BeFalse();
        registry.Names.Should().Equal("transform.scale");
        services.Should().Equal(before, "the throwing plugin added a service before it threw, which must not be committed");
        report.Loaded.Select(p => p.Manifest.Id).Should().Equal("samples.hello");
    }

    [Fact]
    public void Folder_without_manifest_and_missing_path_are_reported_as_missing_manifest()
    {
        var empty = folders.Folder("not-a-plugin");
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no plugin here");
        var missing = Path.Combine(folders.Root, "does-not-exist");

        var report = Load(folders.Root, missing);

        report.Loaded.Should().BeEmpty();
        report.Failed.Should().HaveCount(2).And.OnlyContain(f => f.Kind == PluginFailureKind.MissingManifest);
        report.Failed[0].Folder.Should().Be(empty);
        report.Failed[0].Message.Should().Contain(empty).And.Contain("plugin.json");
        report.Failed[1].Message.Should().Contain(missing).And.Contain("does not exist");
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("""{ "id": "x", "version": "1.0.0", "assembly": "Samples.HelloPlugin.dll" }""")]
    [InlineData("""{ "id": "x", "contracts": "one", "assembly": "Samples.HelloPlugin.dll" }""")]
    [InlineData("""{ "id": "x", "contracts": "1.0", "assembly": "../elsewhere/Samples.HelloPlugin.dll" }""")]
    public void Broken_manifest_is_reported_as_invalid(string manifest)
    {
        var folder = folders.Copy(PluginTestFolders.HelloPlugin, "broken");
        File.WriteAllText(Path.Combine(folder, PluginManifest.FileName), manifest);

        var report = Load(folder);

        report.Loaded.Should().BeEmpty();
        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.InvalidManifest);
        failure.Message.Should().Contain(folder);
        registry.Names.Should().BeEmpty();
    }

    [Fact]
    public void Duplicate_node_type_refuses_the_later_plugin_and_names_both()
    {
        folders.Copy(PluginTestFolders.HelloPlugin, "a-first");
        folders.Copy(PluginTestFolders.HelloPlugin, "b-second", m => m["id"] = "samples.hello-again");

        var report = Load(folders.Root);

        report.Loaded.Select(p => p.Manifest.Id).Should().Equal("samples.hello");
        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.DuplicateNodeType);
        failure.PluginId.Should().Be("samples.hello-again");
        failure.Message.Should().Contain("transform.scale").And.Contain("'samples.hello'").And.Contain("'samples.hello-again'");
        registry.TryGet("transform.scale", out var owner).Should().BeTrue();
        owner.PluginId.Should().Be("samples.hello");
    }

    [Fact]
    public void Same_plugin_id_in_two_folders_loads_once()
    {
        var first = folders.Copy(PluginTestFolders.HelloPlugin, "a");
        folders.Copy(PluginTestFolders.HelloPlugin, "b");

        var report = Load(folders.Root);

        report.Loaded.Should().ContainSingle().Which.Folder.Should().Be(first);
        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.DuplicatePluginId);
        failure.Message.Should().Contain(first);
    }

    [Fact]
    public void Plugin_built_against_a_newer_shared_assembly_is_refused_before_loading()
    {
        var hostContracts = typeof(IDiffusionPlugin).Assembly.GetName().Version!;
        var newer = new Version(hostContracts.Major, hostContracts.Minor + 5, 0, 0);
        var folder = FakeAssemblyWriter.WritePluginFolder(
            Path.Combine(folders.Root, "newer-contracts"), "samples.newer", ("Diffusion.Contracts", newer));
        var loader = new RecordingAssemblyLoader();

        var report = new PluginCatalogLoader(loader).Load([folder], services, registry, NullLogger.Instance);

        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.SharedAssemblyMismatch);
        failure.Message.Should().Contain("Diffusion.Contracts").And.Contain(newer.ToString()).And.Contain(hostContracts.ToString())
            .And.Contain(folder);
        loader.Loaded.Should().BeEmpty("the reference check runs on metadata, before any load");
    }

    [Fact]
    public void Assembly_without_entry_class_is_reported_as_no_entry_point()
    {
        var hostContracts = typeof(IDiffusionPlugin).Assembly.GetName().Version!;
        var folder = FakeAssemblyWriter.WritePluginFolder(
            Path.Combine(folders.Root, "no-entry"), "samples.no-entry", ("Diffusion.Contracts", hostContracts));

        var report = Load(folder);

        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.NoEntryPoint);
        failure.Message.Should().Contain("IDiffusionPlugin").And.Contain(folder);
    }

    [Fact]
    public void Manifest_naming_a_missing_assembly_is_reported_as_assembly_load_failed()
    {
        var folder = folders.Copy(PluginTestFolders.HelloPlugin, "wrong-name", m => m["assembly"] = "Nope.dll");

        var report = Load(folder);

        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.AssemblyLoadFailed);
        failure.Message.Should().Contain("Nope.dll").And.Contain(folder);
    }

    [Fact]
    public void Built_in_schedules_plugin_loads_from_artifacts_like_a_third_party_plugin()
    {
        var report = Load(PluginTestFolders.SchedulesPlugin);

        report.Failed.Should().BeEmpty();
        report.Loaded.Should().ContainSingle().Which.Manifest.Id.Should().Be("diffusion.schedules");
        registry.TryGet("scheduler.discrete", out var scheduler).Should().BeTrue();
        scheduler.Descriptor.Outputs.Should().Contain(p => p.Type.Equals(PortType.Scheduler));
    }

    [Fact]
    public void Loader_never_throws_for_a_failing_assembly_loader()
    {
        var report = new PluginCatalogLoader(new ThrowingAssemblyLoader()).Load(
            [PluginTestFolders.HelloPlugin], services, registry, NullLogger.Instance);

        var failure = report.Failed.Should().ContainSingle().Subject;
        failure.Kind.Should().Be(PluginFailureKind.AssemblyLoadFailed);
        failure.Message.Should().Contain("disk on fire").And.Contain(PluginTestFolders.HelloPlugin);
    }

    private sealed class RecordingAssemblyLoader : IPluginAssemblyLoader
    {
        public List<string> Loaded { get; } = [];

        public System.Reflection.Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<System.Reflection.Assembly> sharedAssemblies)
        {
            Loaded.Add(mainAssemblyPath);
            throw new InvalidOperationException("this test expects no load");
        }
    }

    private sealed class ThrowingAssemblyLoader : IPluginAssemblyLoader
    {
        public System.Reflection.Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<System.Reflection.Assembly> sharedAssemblies) =>
            throw new IOException("disk on fire");
    }
}
