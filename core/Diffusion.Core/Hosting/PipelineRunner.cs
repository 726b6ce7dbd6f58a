using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Core;

/// <summary>The default <see cref="IPipelineRunner"/>: one per host, safe for concurrent runs.</summary>
public sealed class PipelineRunner(
    PipelineValidator validator,
    NodeOutputCache cache,
    DiffusionOptions options,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : IPipelineRunner
{
    private readonly PipelineExecutor executor = new(services, cache, loggerFactory, options.Device);

    /// <inheritdoc />
    public PipelineReadResult ReadFile(string path, IEnumerable<string>? overrides = null)
    {
        var read = PipelineReader.ReadFile(path);
        if (read.Pipeline is null || overrides is null)
        {
            return read;
        }

        var (pipeline, issues) = PipelineOverrides.Apply(read.Pipeline, overrides);
        return read with { Pipeline = pipeline, Issues = [.. read.Issues, .. issues] };
    }

    /// <inheritdoc />
    public ValidationResult Validate(PipelineDefinition pipeline, JsonPositionIndex? positions = null) => validator.Validate(pipeline, positions);

    /// <inheritdoc />
    public Task<PipelineRunResult> RunAsync(PipelineDefinition pipeline, RunOptions? runOptions = null, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var validation = validator.Validate(pipeline, null, validator.InputRoots.With(runOptions?.InputRoots, runOptions?.PipelineFolderIsInputRoot ?? true));
        if (!validation.IsValid)
        {
            throw new PipelineValidationException(validation.Issues);
        }

        return RunAsync(validation.Pipeline!, runOptions, progress, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PipelineRunResult> RunAsync(ValidatedPipeline pipeline, RunOptions? runOptions = null, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return executor.RunAsync(pipeline, WithDefaults(runOptions), progress is null ? null : progress.Report, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PipelineEvent> RunStreamingAsync(PipelineDefinition pipeline, RunOptions? runOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<PipelineEvent>(new UnboundedChannelOptions { SingleReader = true });
        var run = Task.Run(
            async () =>
            {
                try
                {
                    await RunAsync(pipeline, runOptions, new CallbackProgress<PipelineEvent>(e => channel.Writer.TryWrite(e)), cancellationToken).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        await foreach (var e in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return e;
        }

        await run.ConfigureAwait(false);
    }

    private RunOptions WithDefaults(RunOptions? runOptions)
    {
        runOptions ??= new RunOptions { MaxParallelism = options.MaxParallelism };
        return runOptions with
        {
            Device = runOptions.Device ?? options.Device,
            OutputDirectory = runOptions.OutputDirectory ?? options.OutputDirectory,
            InputRoots = [.. options.InputRoots, .. runOptions.InputRoots],
            PipelineFolderIsInputRoot = options.PipelineFolderIsInputRoot && runOptions.PipelineFolderIsInputRoot,
        };
    }
}
