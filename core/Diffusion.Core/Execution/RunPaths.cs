using System.Collections.Concurrent;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// One run's path rules for <see cref="INodeExecutionContext.ResolveInputPath"/> and
/// <see cref="INodeExecutionContext.ResolveOutputPath"/>: the input roots, the resolved output folder, whether outputs
/// may replace existing files, and which node writes which file (so two nodes never write the same one).
/// </summary>
internal sealed class RunPaths(string baseDirectory, IReadOnlyList<InputRoot> inputRoots, string outputRoot, bool overwrite)
{
    private readonly ConcurrentDictionary<string, string> writers = new(StringComparer.Ordinal);

    /// <summary>The resolved output folder.</summary>
    public string OutputRoot => outputRoot;

    /// <summary>The input roots.</summary>
    public IReadOnlyList<InputRoot> InputRoots => inputRoots;

    /// <summary>Whether outputs may replace existing files.</summary>
    public bool Overwrite => overwrite;

    public string ResolveInput(string nodeId, string? path)
    {
        var resolved = PathContainment.ResolveInput(path ?? "", baseDirectory, inputRoots, out var problem);
        return resolved ?? throw new InvalidInputException($"Node \"{nodeId}\": input path \"{path}\" {problem!.Message}.", path ?? "", null);
    }

    public string ResolveOutput(string nodeId, string? path)
    {
        var resolved = PathContainment.ResolveOutput(path ?? "", PathKind.OutputFile, outputRoot, out var problem)
            ?? throw new InvalidInputException($"Node \"{nodeId}\": output path \"{path}\" {problem!.Message}.", path ?? "", null);

        // A node may resolve its own output again (a checkpoint rewritten every N steps) and replace what it wrote.
        var mine = writers.TryGetValue(resolved, out var owner);
        if (mine && !string.Equals(owner, nodeId, StringComparison.Ordinal))
        {
            throw Collision(nodeId, path, resolved, owner!);
        }

        if (PathContainment.CheckOutputTarget(resolved, PathKind.OutputFile, overwrite || mine) is { } target)
        {
            throw new InvalidInputException($"Node \"{nodeId}\": output path \"{path}\" {target.Message}.", resolved, null);
        }

        owner = writers.GetOrAdd(resolved, nodeId);
        if (!string.Equals(owner, nodeId, StringComparison.Ordinal))
        {
            throw Collision(nodeId, path, resolved, owner);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(resolved)!);
        return resolved;
    }

    /// <summary>The files <paramref name="nodeId"/> resolved for writing in this run, sorted.</summary>
    public IReadOnlyList<string> WrittenBy(string nodeId) =>
        [.. writers.Where(w => string.Equals(w.Value, nodeId, StringComparison.Ordinal)).Select(w => w.Key).Order(StringComparer.Ordinal)];

    private static InvalidInputException Collision(string nodeId, string? path, string resolved, string owner) =>
        new($"Node \"{nodeId}\": output path \"{path}\" ({resolved}) is already written by node \"{owner}\" in this run; give each output its own path.", resolved, null);
}
