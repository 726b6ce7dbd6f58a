namespace Diffusion.Torch;

/// <summary>One tensor as described by a safetensors header.</summary>
/// <param name="Name">The tensor's key, e.g. <c>conv_in.weight</c>.</param>
/// <param name="DType">The safetensors dtype code, e.g. <c>F32</c>, <c>BF16</c>, <c>I64</c>.</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="DataBegin">Start of the tensor's bytes, relative to the data section after the header.</param>
/// <param name="DataEnd">End (exclusive) of the tensor's bytes, relative to the data section.</param>
public sealed record SafeTensorEntry(string Name, string DType, IReadOnlyList<long> Shape, long DataBegin, long DataEnd)
{
    /// <summary>Number of bytes the tensor occupies.</summary>
    public long ByteLength => DataEnd - DataBegin;
}
