using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Diffusion.Onnx;

/// <summary>What a graph declares about one input or output tensor.</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="ElementType">ONNX element type.</param>
/// <param name="Dimensions">Each dimension's fixed size, or null where the graph names a symbolic (dynamic) size.</param>
/// <param name="DimensionNames">The symbolic names ("batch", "height"), empty where the size is fixed.</param>
public sealed record OnnxTensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<long?> Dimensions, IReadOnlyList<string> DimensionNames)
{
    /// <summary>The TorchSharp dtype of <see cref="ElementType"/>.</summary>
    /// <exception cref="NotSupportedException">An element type we do not bridge.</exception>
    public ScalarType ScalarType => ElementType switch
    {
        TensorElementType.Float => ScalarType.Float32,
        TensorElementType.Float16 => ScalarType.Float16,
        TensorElementType.BFloat16 => ScalarType.BFloat16,
        TensorElementType.Double => ScalarType.Float64,
        TensorElementType.Int64 => ScalarType.Int64,
        TensorElementType.Int32 => ScalarType.Int32,
        TensorElementType.Int8 => ScalarType.Int8,
        TensorElementType.UInt8 => ScalarType.Byte,
        TensorElementType.Bool => ScalarType.Bool,
        _ => throw new NotSupportedException($"ONNX tensor '{Name}' has element type {ElementType}, which is not bridged to TorchSharp."),
    };

    /// <summary>The declared shape as text, e.g. [batch, 4, height, width].</summary>
    public string DescribeShape() =>
        "[" + string.Join(", ", Dimensions.Select((d, i) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (DimensionNames.Count > i && DimensionNames[i].Length > 0 ? DimensionNames[i] : "?"))) + "]";

    /// <summary>Null when <paramref name="shape"/> fits the declared rank and fixed sizes, else what does not.</summary>
    public string? Mismatch(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count != Dimensions.Count)
        {
            return $"has rank {shape.Count} ([{string.Join(", ", shape)}]) but the graph declares {DescribeShape()}";
        }

        for (int i = 0; i < shape.Count; i++)
        {
            if (Dimensions[i] is long fixedSize && fixedSize != shape[i])
            {
                return $"has size {shape[i]} in dimension {i} ([{string.Join(", ", shape)}]) but the graph declares {DescribeShape()}";
            }
        }

        return null;
    }
}
