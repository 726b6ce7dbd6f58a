using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Server.Queue;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// Turns a <see cref="StoredRequest"/> into a validated pipeline, the same way at submission (to answer 400 with every
/// issue) and when a worker takes the run (files may have changed; a restart re-reads everything).
/// <para>
/// Input rules (docs/adr/0010-path-containment.md): a posted document is untrusted, so only the configured
/// <see cref="ServerOptions.InputRoots"/> are readable and its relative paths resolve against the first of them
/// (against an empty folder of the server's when none is configured, so every input is refused). A named pipeline was
/// put in <see cref="ServerOptions.PipelineDirectory"/> by the operator and reads beside itself as with <c>diffuse run</c>.
/// </para>
/// </summary>
internal sealed class RunPipelineResolver(PipelineValidator validator, PipelineCatalog catalog, IOptions<ServerOptions> serverOptions)
{
    /// <summary>The code of a request naming a pipeline the server does not have.</summary>
    public const string UnknownPipeline = "unknown_pipeline";

    /// <summary>The code of a pipeline with more nodes than <see cref="ServerOptions.MaxNodes"/>.</summary>
    public const string GraphTooLarge = "graph_too_large";

    public ResolvedPipeline Resolve(StoredRequest request)
    {
        var options = serverOptions.Value;
        var roots = options.InputRoots.Select(Path.GetFullPath).ToList();
        var named = request.Name is not null;
        PipelineReadResult read;
        string prefix;
        if (named)
        {
            var file = catalog.Find(request.Name!);
            if (file is null)
            {
                var hint = Suggestions.DidYouMean(request.Name!, catalog.Names);
                return Refused(new ValidationIssue(UnknownPipeline, $"There is no pipeline named \"{request.Name}\".{hint} GET /v1/pipelines lists them.", "/name", Received: request.Name), roots, named);
            }

            read = PipelineReader.ReadFile(file);
            prefix = "";
        }
        else
        {
            read = PipelineReader.Read(request.Pipeline ?? "", Path.Combine(PostedBaseDirectory(options, roots), "posted-pipeline.json"));
            prefix = "/pipeline";
        }

        if (read.Pipeline is not null && read.Pipeline.Nodes.Count > options.MaxNodes)
        {
            return Refused(new ValidationIssue(GraphTooLarge, $"The pipeline has {read.Pipeline.Nodes.Count} nodes; this server runs at most {options.MaxNodes} (Server:MaxNodes).", prefix + "/nodes"), roots, named);
        }

        var issues = read.Issues.Select(i => Under(prefix, i)).ToList();
        var pipeline = read.Pipeline;
        if (pipeline is not null && request.Set.Count > 0)
        {
            var (changed, overrideIssues) = PipelineOverrides.Apply(pipeline, request.Set);
            pipeline = changed;
            issues.AddRange(overrideIssues.Select(i => i with { Pointer = $"/set/{IndexOf(request.Set, i.Received)}" }));
        }

        if (pipeline is null || issues.Count > 0)
        {
            return new ResolvedPipeline(null, issues, roots, named);
        }

        var validation = validator.Validate(pipeline, read.Positions, validator.InputRoots.With(roots, pipelineFolderIsRoot: named));
        return validation.IsValid
            ? new ResolvedPipeline(validation.Pipeline, [], roots, named)
            : new ResolvedPipeline(null, [.. validation.Issues.Select(i => Under(prefix, named ? i : i with { Line = null, Column = null }))], roots, named);
    }

    private static string PostedBaseDirectory(ServerOptions options, List<string> roots)
    {
        if (roots.Count > 0)
        {
            return roots[0];
        }

        // No configured root: relative paths resolve in an empty folder that is no input root, so they are refused.
        var empty = Path.Combine(Path.GetFullPath(options.DataDirectory), "no-inputs");
        Directory.CreateDirectory(empty);
        return empty;
    }

    private static int IndexOf(IReadOnlyList<string> set, string? text)
    {
        for (var i = 0; i < set.Count; i++)
        {
            if (string.Equals(set[i], text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return 0;
    }

    private static ValidationIssue Under(string prefix, ValidationIssue issue) =>
        prefix.Length == 0 ? issue : issue with { Pointer = prefix + issue.Pointer };

    private static ResolvedPipeline Refused(ValidationIssue issue, IReadOnlyList<string> roots, bool named) => new(null, [issue], roots, named);
}
