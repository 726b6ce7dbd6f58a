using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>MNIST images and labels in memory: images [N, 28, 28] uint8, labels [N] int64.</summary>
public sealed class MnistData
{
    private MnistData(Tensor images, Tensor labels, string folder, MnistSplit split)
    {
        Images = images;
        Labels = labels;
        Folder = folder;
        Split = split;
    }

    /// <summary>Images [N, rows, cols] uint8 (0 = background).</summary>
    public Tensor Images { get; }

    /// <summary>Labels [N] int64 in 0..9.</summary>
    public Tensor Labels { get; }

    /// <summary>The folder read.</summary>
    public string Folder { get; }

    /// <summary>The split read.</summary>
    public MnistSplit Split { get; }

    /// <summary>Number of images.</summary>
    public long Count => Images.shape[0];

    /// <summary>
    /// Reads <c>{train|t10k}-images-idx3-ubyte[.gz]</c> and <c>-labels-idx1-ubyte[.gz]</c> from <paramref name="folder"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is damaged, or images and labels disagree.</exception>
    public static MnistData Load(string folder, MnistSplit split)
    {
        string prefix = split == MnistSplit.Train ? "train" : "t10k";
        var imagesPath = Find(folder, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Count != 3)
        {
            throw new InvalidDataException($"'{imagesPath}' has {images.Shape.Count} dimensions; MNIST images have 3 (count, rows, cols).");
        }

        // The networks, the classifier and the padding all assume MNIST's 28 x 28 digits; other sizes would fail later,
        // inside libtorch, with a shape error that names no file.
        if (images.Shape[0] == 0 || images.Shape[1] != 28 || images.Shape[2] != 28)
        {
            throw new InvalidDataException($"'{imagesPath}' holds {images.Shape[0]} images of {images.Shape[1]} x {images.Shape[2]}; MNIST files hold at least one 28 x 28 image.");
        }

        if (labels.Shape.Count != 1 || labels.Shape[0] != images.Shape[0])
        {
            throw new InvalidDataException(
                $"'{labelsPath}' holds {labels.Shape[0]} labels but '{imagesPath}' holds {images.Shape[0]} images.");
        }

        if (labels.Data.Any(l => l > 9))
        {
            throw new InvalidDataException($"'{labelsPath}' holds labels outside 0..9.");
        }

        var imageTensor = tensor(images.Data, ScalarType.Byte).reshape(images.Shape[0], images.Shape[1], images.Shape[2]);
        var labelTensor = tensor(labels.Data, ScalarType.Byte).to(ScalarType.Int64);
        return new MnistData(imageTensor, labelTensor, folder, split);
    }

    /// <summary>
    /// Images as float [N, 1, S, S] in [-1, 1] (x / 127.5 − 1), padded with background (−1) to <paramref name="size"/>.
    /// </summary>
    public static Tensor ToModelRange(Tensor bytes, int size)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var scope = NewDisposeScope();
        var x = bytes.to(ScalarType.Float32).unsqueeze(1) / 127.5 - 1.0;
        long rows = x.shape[2];
        if (size > rows)
        {
            long before = (size - rows) / 2, after = size - rows - before;
            x = nn.functional.pad(x, [before, after, before, after], value: -1.0);
        }

        return x.MoveToOuterDisposeScope();
    }

    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"MNIST file '{name}[.gz]' not found in '{folder}'. The repository ships them in data/mnist; set the 'path' param to that folder.",
            Path.Combine(folder, name + ".gz"));
    }
}
