using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Plugins.Tests.Infrastructure;

/// <summary>
/// Runs the repository's shipped pipelines (pipelines/*.json, with their shipped models) by the engine with the built
/// plugin folders, loaded as the CLI loads them, into a temporary output folder.
/// </summary>
public sealed class ShippedPipelineRunner : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("shipped-pipelines-").FullName;
    private readonly ServiceProvider services;
    private readonly IPipelineRunner runner;

    public ShippedPipelineRunner()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddDiffusion(o => o.PluginPaths.Add(BuiltPlugins()));
        services = collection.BuildServiceProvider();
        runner = services.GetRequiredService<IPipelineRunner>();
    }

    /// <summary>The folder runs write into.</summary>
    public string Output => output;

    /// <summary>The repository's pipelines folder.</summary>
    public static string PipelinesFolder => System.IO.Path.GetFullPath(System.IO.Path.Combine(Fixtures.Repository, "..", "..", "..", "pipelines"));

    /// <summary>Runs pipelines/<paramref name="file"/> with <c>--set</c>-style overrides; fails the test on any issue or node failure.</summary>
    public async Task<PipelineRunResult> RunAsync(string file, params string[] overrides)
    {
        var read = runner.ReadFile(System.IO.Path.Combine(PipelinesFolder, file), overrides);
        read.Issues.Should().BeEmpty();
        var result = await runner.RunAsync(read.Pipeline!, new RunOptions { OutputDirectory = output, UseCache = false, Overwrite = true });
        result.Failures.Should().BeEmpty();
        return result;
    }

    /// <summary>
    /// Runs a pipeline document written by a test as if it stood in pipelines/ beside the shipped ones: its relative
    /// paths (models/..., ../data/mnist) resolve there, and the repository is its input root. The document is written
    /// into <see cref="Output"/> for the record.
    /// </summary>
    public async Task<PipelineRunResult> RunDocumentAsync(string name, string json)
    {
        var path = System.IO.Path.Combine(output, name);
        await File.WriteAllTextAsync(path, json);
        var read = runner.ReadFile(path);
        read.Issues.Should().BeEmpty();
        var pipeline = read.Pipeline! with { SourcePath = System.IO.Path.Combine(PipelinesFolder, name) };
        var repository = System.IO.Path.GetDirectoryName(PipelinesFolder)!;
        var result = await runner.RunAsync(pipeline, new RunOptions { OutputDirectory = output, UseCache = false, Overwrite = true, InputRoots = [repository] });
        result.Failures.Should().BeEmpty();
        return result;
    }

    /// <summary>A node of a test-written pipeline document: params and inputs as anonymous objects, in the file's JSON form.</summary>
    public static JsonObject Node(string type, object parameters, object? inputs = null)
    {
        var node = new JsonObject { ["type"] = type, ["params"] = JsonSerializer.SerializeToNode(parameters) };
        if (inputs is not null)
        {
            node["inputs"] = JsonSerializer.SerializeToNode(inputs);
        }

        return node;
    }

    public void Dispose()
    {
        services.Dispose();
        Directory.Delete(output, recursive: true);
    }

    /// <summary>The plugin folders the build wrote for this configuration (artifacts/plugins/&lt;Configuration&gt;).</summary>
    private static string BuiltPlugins()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var folder = System.IO.Path.GetFullPath(System.IO.Path.Combine(Fixtures.Repository, "..", "..", "..", "artifacts", "plugins", configuration));
        Directory.Exists(folder).Should().BeTrue($"the test project builds the plugins into {folder}");
        return folder;
    }
}
