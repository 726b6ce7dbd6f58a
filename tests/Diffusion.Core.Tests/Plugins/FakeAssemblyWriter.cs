using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Diffusion.Core.Tests.Plugins;

/// <summary>
/// Writes a minimal, loadable .NET assembly with no types and chosen assembly references, standing in for a plugin
/// compiled against other versions of the shared assemblies than this host has.
/// </summary>
internal static class FakeAssemblyWriter
{
    public static void Write(string path, string assemblyName, params (string Name, Version Version)[] references)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(0, metadata.GetOrAddString(assemblyName + ".dll"), metadata.GetOrAddGuid(Guid.NewGuid()), default, default);
        metadata.AddAssembly(metadata.GetOrAddString(assemblyName), new Version(1, 0, 0, 0), default, default, default, AssemblyHashAlgorithm.Sha1);
        foreach (var (name, version) in references)
        {
            metadata.AddAssemblyReference(metadata.GetOrAddString(name), version, default, default, default, default);
        }

        // Every module has the <Module> type, first in the type table.
        metadata.AddTypeDefinition(
            default, default, metadata.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));

        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder());
        var image = new BlobBuilder();
        pe.Serialize(image);
        File.WriteAllBytes(path, image.ToArray());
    }

    /// <summary>Writes a plugin folder whose main assembly is a fake one, with a manifest that passes every check before loading.</summary>
    public static string WritePluginFolder(string folder, string pluginId, params (string Name, Version Version)[] references)
    {
        Directory.CreateDirectory(folder);
        const string assemblyName = "Fake.Plugin";
        Write(Path.Combine(folder, assemblyName + ".dll"), assemblyName, references);
        File.WriteAllText(
            Path.Combine(folder, Diffusion.Contracts.PluginManifest.FileName),
            $$"""{ "id": "{{pluginId}}", "version": "1.0.0", "contracts": "1.0", "assembly": "{{assemblyName}}.dll" }""");
        return folder;
    }
}
