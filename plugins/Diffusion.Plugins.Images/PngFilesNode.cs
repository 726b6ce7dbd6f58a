using System.Globalization;
using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Images;

/// <summary><c>output.png</c>: one PNG per image of [N, C, H, W] in [−1, 1], named by index (and label when given).</summary>
public sealed class PngFilesNode : NodeType<PngFilesOptions>
{
    /// <inheritdoc />
    protected override string Name => "output.png";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Writes one PNG per image into a folder.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("images", PortType.Tensor, "Images [N, C, H, W] with values in [-1, 1]."),
        new("labels", PortType.Tensor, "Class labels [N], added to the file names.", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File, "The folder written into.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(PngFilesOptions options, NodeValidationContext context)
    {
        // The prefix becomes part of every file name: it must not add folders or climb out of 'path'.
        if (options.Prefix.IndexOfAny(['/', '\\', '\0']) >= 0 || options.Prefix is "." or ".." || options.Prefix.Any(char.IsControl))
        {
            yield return context.ParamIssue("prefix", $"output.png: prefix \"{options.Prefix}\" must be part of a file name: no '/', '\\', control characters, '.' or '..'. Put folders in 'path'.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, PngFilesOptions options)
    {
        var images = context.GetInput<Tensor>("images");
        long[]? labels = context.GetOptionalInput<Tensor>("labels")?.detach().cpu().to_type(ScalarType.Int64).reshape(-1).data<long>().ToArray();
        if (labels is not null && labels.Length != images.shape[0])
        {
            throw new ArgumentException($"output.png '{context.NodeId}': {labels.Length} labels for {images.shape[0]} images.");
        }

        var rgba = PngEncoding.ToRgba(images, out var count, out var height, out var width);
        if (count == 0)
        {
            throw new InvalidInputException($"output.png '{context.NodeId}': the linked images tensor holds no images; nothing to write.");
        }

        string? folder = null;
        for (var i = 0; i < count; i++)
        {
            var name = labels is null
                ? string.Create(CultureInfo.InvariantCulture, $"{options.Prefix}{i:0000}.png")
                : string.Create(CultureInfo.InvariantCulture, $"{options.Prefix}{i:0000}_label{labels[i]}.png");
            context.CancellationToken.ThrowIfCancellationRequested();

            // Each file is resolved on its own, so each is checked: inside the output folder, not written by another
            // node, not replacing an existing file unless the run allows it.
            var file = context.ResolveOutputPath(Path.Combine(options.Path, name));
            folder ??= Path.GetDirectoryName(file);
            using var bitmap = PngEncoding.ToBitmap(rgba, i, height, width, options.Scale);
            PngEncoding.Save(bitmap, file);
        }

        return Task.FromResult(NodeOutputs.Of("file", folder!));
    }
}
