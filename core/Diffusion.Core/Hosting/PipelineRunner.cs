using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Core;

/// <summary>The default <see cref="IPipelineRunner"/>: one per host, safe for concurrent runs.</summary>
public sealed class PipelineRunner : IPipelineRunner
{
    private readonly PipelineValidator validator;
    private readonly DiffusionOptions options;
    private readonly PipelineExecutor executor;

    /// <summary>Creates the runner and, in apps without a Generic Host, writes the plugin load report to the app's log.</summary>
    public PipelineRunner(
        PipelineValidator validator,
        NodeOutputCache cache,
        IOptions<DiffusionOptions> options,
        IServiceProvider services,
        ILoggerFactory loggerFactory,
        PluginStartupReport pluginReport)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pluginReport);
        this.validator = validator;
        this.options = options.Value;
        executor = new PipelineExecutor(services, cache, loggerFactory, this.options.Device);
        pluginReport.WriteOnce();
    }

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
        ArgumentNullException.ThrowIfNull(pipeline);
        var validation = validator.Validate(pipeline);
        if (!validation.IsValid)
        {
            // A stream reports an invalid pipeline as its one and last event, with every issue, instead of throwing
            // from the middle of an await foreach.
            yield return new PipelineEvent(PipelineEventKind.RunFailed, runOptions?.RunId ?? PipelineExecutor.NewRunId(), DateTimeOffset.UtcNow)
            {
                Message = PipelineValidationException.Describe(validation.Issues),
                Issues = validation.Issues,
            };
            yield break;
        }

        var channel = Channel.CreateUnbounded<PipelineEvent>(new UnboundedChannelOptions { SingleReader = true });
        var run = Task.Run(
            async () =>
            {
                try
                {
                    await RunAsync(validation.Pipeline!, runOptions, new CallbackProgress<PipelineEvent>(e => channel.Writer.TryWrite(e)), cancellationToken).ConfigureAwait(false);
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
