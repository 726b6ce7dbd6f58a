using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>The engine's front door for apps, the CLI and the server: read, validate and run pipelines.</summary>
public interface IPipelineRunner
{
    /// <summary>Reads a pipeline file and applies <c>node.params.key=value</c> overrides, collecting every issue.</summary>
    PipelineReadResult ReadFile(string path, IEnumerable<string>? overrides = null);

    /// <summary>Validates against the loaded node types.</summary>
    ValidationResult Validate(PipelineDefinition pipeline, JsonPositionIndex? positions = null);

    /// <summary>Validates and runs; throws <see cref="PipelineValidationException"/> when the pipeline is invalid.</summary>
    Task<PipelineRunResult> RunAsync(PipelineDefinition pipeline, RunOptions? options = null, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a pipeline that <see cref="Validate"/> already accepted, without validating it again.</summary>
    Task<PipelineRunResult> RunAsync(ValidatedPipeline pipeline, RunOptions? options = null, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Validates and runs, streaming events; the last event ends the run (finished, failed or cancelled).</summary>
    IAsyncEnumerable<PipelineEvent> RunStreamingAsync(PipelineDefinition pipeline, RunOptions? options = null, CancellationToken cancellationToken = default);
}
