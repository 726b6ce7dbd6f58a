using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Diffusion.Onnx;

/// <summary>
/// TorchSharp tensors as ONNX Runtime values without copies: an <see cref="OrtValue"/> is created over a contiguous
/// CPU tensor's own memory (<c>CreateTensorValueWithData</c>), so ONNX Runtime reads inputs and writes preallocated
/// outputs in place. The tensor must outlive the value: callers keep both until the run returns.
/// </summary>
public static class OnnxTensorBridge
{
    /// <summary>The ONNX element type of a TorchSharp dtype.</summary>
    /// <exception cref="NotSupportedException">A dtype ONNX Runtime has no tensor type for.</exception>
    public static TensorElementType ElementType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => TensorElementType.Float,
        ScalarType.Float16 => TensorElementType.Float16,
        ScalarType.BFloat16 => TensorElementType.BFloat16,
        ScalarType.Float64 => TensorElementType.Double,
        ScalarType.Int64 => TensorElementType.Int64,
        ScalarType.Int32 => TensorElementType.Int32,
        ScalarType.Int8 => TensorElementType.Int8,
        ScalarType.Byte => TensorElementType.UInt8,
        ScalarType.Bool => TensorElementType.Bool,
        _ => throw new NotSupportedException($"TorchSharp dtype {dtype} has no ONNX tensor element type."),
    };

    /// <summary>
    /// An <see cref="OrtValue"/> over <paramref name="tensor"/>'s memory (no copy). <paramref name="tensor"/> must be a
    /// contiguous CPU tensor and stay alive (and unchanged, for inputs) while the value is used.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not on the CPU or not contiguous.</exception>
    public static unsafe OrtValue Wrap(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException(
                $"Only contiguous CPU tensors are wrapped without a copy; got a {(tensor.is_contiguous() ? "contiguous" : "non-contiguous")} tensor on {tensor.device}. Call .cpu().contiguous() first.",
                nameof(tensor));
        }

        // Tensor.bytes is a span over the tensor's own memory (from its first element) for CPU tensors.
        var memory = tensor.bytes;
        fixed (byte* data = memory)
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, ElementType(tensor.dtype), tensor.shape, (IntPtr)data, memory.Length);
        }
    }

    /// <summary>A new TorchSharp tensor holding a copy of an ONNX Runtime-allocated output.</summary>
    public static Tensor Copy(OrtValue value, string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        var info = value.GetTensorTypeAndShape();
        var dtype = new OnnxTensorInfo(name, info.ElementDataType, [], []).ScalarType;
        var result = empty(info.Shape, dtype);
        value.GetTensorMutableRawData().CopyTo(result.bytes);
        return result;
    }
}
