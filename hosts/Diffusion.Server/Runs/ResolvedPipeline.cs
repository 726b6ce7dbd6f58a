using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Server.Runs;

/// <summary>A stored request read and validated: the pipeline to run and the input rules it runs under, or every issue.</summary>
/// <param name="Pipeline">The validated pipeline, or null when there are issues.</param>
/// <param name="Issues">Every problem, with pointers into the request (posted documents: under <c>/pipeline</c>).</param>
/// <param name="InputRoots">The input roots of the run.</param>
/// <param name="PipelineFolderIsInputRoot">Whether the pipeline's own folder is readable (named pipelines only).</param>
internal sealed record ResolvedPipeline(
    ValidatedPipeline? Pipeline,
    IReadOnlyList<ValidationIssue> Issues,
    IReadOnlyList<string> InputRoots,
    bool PipelineFolderIsInputRoot);
