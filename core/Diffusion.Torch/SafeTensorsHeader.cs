namespace Diffusion.Torch;

/// <summary>The parsed, validated header of a safetensors file.</summary>
/// <param name="Tensors">Tensors in the order of their data offsets.</param>
/// <param name="Metadata">The free-form <c>__metadata__</c> strings (empty if absent).</param>
/// <param name="HeaderLength">Length in bytes of the JSON header; data starts at 8 + this.</param>
public sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata, long HeaderLength)
{
    /// <summary>File offset where the data section starts.</summary>
    public long DataStart => 8 + HeaderLength;
}
