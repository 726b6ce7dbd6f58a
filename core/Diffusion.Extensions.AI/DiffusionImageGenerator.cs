using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Diffusion.Core;
using Diffusion.Torch.Imaging;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace Diffusion.Extensions.AI;

/// <summary>
/// <see cref="IImageGenerator"/> over a configured pipeline: the request's prompt goes into the pipeline's prompt param
/// (text, or a class label), the pipeline runs through the engine's <see cref="IPipelineRunner"/> (the run service of
/// the CLI and the server), and the images of <see cref="DiffusionImageGeneratorOptions.ImagesOutput"/> come back as PNG
/// <see cref="DataContent"/>. Only the nodes the images depend on run, so the pipeline's own file outputs (grids, PNG
/// folders) are neither written nor paid for. Safe for concurrent requests, as the runner is.
/// </summary>
[Experimental("MEAI001")]
public sealed class DiffusionImageGenerator : IImageGenerator
{
    private readonly IPipelineRunner runner;
    private readonly DiffusionImageGeneratorOptions options;
    private readonly ImageGeneratorMetadata metadata;

    /// <summary>Creates the generator over <paramref name="runner"/> with <paramref name="options"/>.</summary>
    public DiffusionImageGenerator(IPipelineRunner runner, IOptions<DiffusionImageGeneratorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        this.runner = runner;
        this.options = options.Value;
        if (string.IsNullOrWhiteSpace(this.options.Pipeline))
        {
            throw new ArgumentException("DiffusionImageGeneratorOptions.Pipeline is empty; give the pipeline file to run (for example pipelines/sd-txt2img.json).", nameof(options));
        }

        metadata = new ImageGeneratorMetadata("diffusion-dotnet", null, this.options.ModelId ?? Path.GetFileNameWithoutExtension(this.options.Pipeline));
    }

    /// <inheritdoc />
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw new ArgumentException("The request has no prompt; give the text (or, for a class-conditional pipeline, the class) to draw.", nameof(request));
        }

        if (request.OriginalImages?.Any() == true)
        {
            throw new NotSupportedException("This generator makes images from a prompt only; editing given images (OriginalImages) is not supported.");
        }

        var count = options?.Count ?? 1;
        if (count < 1 || count > this.options.MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), count, $"Count is from 1 to {this.options.MaxCount} (DiffusionImageGeneratorOptions.MaxCount).");
        }

        var seed = Seed(options);
        var overrides = Overrides(request.Prompt, count, seed);
        var read = runner.ReadFile(this.options.Pipeline, overrides);
        if (read.Pipeline is null || read.Issues.Count > 0)
        {
            throw new InvalidOperationException($"The pipeline {this.options.Pipeline} cannot be read with this request: {string.Join("; ", read.Issues.Select(i => $"{i.Pointer} {i.Message}"))}");
        }

        var images = LinkReference.Parse(this.options.ImagesOutput);
        if (images.Output is null || read.Pipeline.Find(images.Node) is null)
        {
            throw new InvalidOperationException($"ImagesOutput \"{this.options.ImagesOutput}\" is not node.port of a node of {this.options.Pipeline} (nodes: {string.Join(", ", read.Pipeline.Nodes.Select(n => n.Id))}).");
        }

        var scratch = Directory.CreateTempSubdirectory("diffusion-image-generator-");
        try
        {
            var result = await runner.RunAsync(NeededFor(read.Pipeline, images.Node), new RunOptions { Seed = seed, OutputDirectory = scratch.FullName, MaxParallelism = 1 }, null, cancellationToken)
                .ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (result.Status != RunStatus.Succeeded)
            {
                throw new InvalidOperationException($"The pipeline {this.options.Pipeline} failed: {string.Join("; ", result.Failures.Select(f => f.Message))}");
            }

            var tensor = result.Output<torch.Tensor>(images.Node, images.Output);
            var contents = ImagePng.EncodeBatch(tensor).Select(png => (AIContent)new DataContent(png, "image/png")).ToList();
            return new ImageGenerationResponse(contents) { RawRepresentation = result };
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The runner belongs to the host.
    }

    private List<string> Overrides(string prompt, int count, long seed)
    {
        var overrides = new List<string>(this.options.Set);
        var value = this.options.Prompt switch
        {
            PromptMode.ClassLabel => JsonSerializer.Serialize(Enumerable.Repeat(Label(prompt), count).ToList()),
            _ => JsonSerializer.Serialize(Enumerable.Repeat(prompt, count).ToList()),
        };
        overrides.Add($"{this.options.PromptParam}={value}");
        overrides.AddRange(this.options.CountParams.Select(param => $"{param}={count.ToString(CultureInfo.InvariantCulture)}"));
        if (this.options.SeedsParam is { } seedsParam)
        {
            overrides.Add($"{seedsParam}={JsonSerializer.Serialize(Enumerable.Range(0, count).Select(i => seed + i).ToList())}");
        }

        if (this.options.SeedParam is { } seedParam)
        {
            overrides.Add($"{seedParam}={seed.ToString(CultureInfo.InvariantCulture)}");
        }

        return overrides;
    }

    private int Label(string prompt)
    {
        var text = prompt.Trim();
        var names = this.options.ClassNames;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var label) && (names.Count == 0 || label < names.Count))
        {
            return label;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], text, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException($"\"{text}\" is not a class of this pipeline; give a number from 0 to {names.Count - 1} or one of: {string.Join(", ", names)}.", nameof(prompt));
    }

    private static long Seed(ImageGenerationOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue("seed", out var value) != true || value is null)
        {
            return 0;
        }

        return value switch
        {
            long l => l,
            int i => i,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var parsed) => parsed,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new ArgumentException($"AdditionalProperties[\"seed\"] is {value}; give a whole number.", nameof(options)),
        };
    }

    // The nodes the images depend on (links followed backwards from the images node).
    private static PipelineDefinition NeededFor(PipelineDefinition pipeline, string node)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([node]);
        while (pending.TryPop(out var id))
        {
            if (needed.Add(id) && pipeline.Find(id) is { } definition)
            {
                foreach (var link in definition.Inputs.Values.SelectMany(i => i.Links))
                {
                    pending.Push(link.Node);
                }
            }
        }

        return pipeline with { Nodes = [.. pipeline.Nodes.Where(n => needed.Contains(n.Id))] };
    }
}
