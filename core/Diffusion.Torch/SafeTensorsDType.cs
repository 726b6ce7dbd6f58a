using TorchSharp;

namespace Diffusion.Torch;

/// <summary>Mapping between safetensors dtype codes, their element sizes and torch scalar types.</summary>
internal static class SafeTensorsDType
{
    private static readonly Dictionary<string, (int Size, torch.ScalarType? Torch)> Codes = new(StringComparer.Ordinal)
    {
        ["F64"] = (8, torch.ScalarType.Float64),
        ["F32"] = (4, torch.ScalarType.Float32),
        ["F16"] = (2, torch.ScalarType.Float16),
        ["BF16"] = (2, torch.ScalarType.BFloat16),
        ["I64"] = (8, torch.ScalarType.Int64),
        ["I32"] = (4, torch.ScalarType.Int32),
        ["I16"] = (2, torch.ScalarType.Int16),
        ["I8"] = (1, torch.ScalarType.Int8),
        ["U8"] = (1, torch.ScalarType.Byte),
        ["BOOL"] = (1, torch.ScalarType.Bool),
        // Known to the format (so headers validate and list) but not loadable as torch tensors here.
        ["U16"] = (2, null),
        ["U32"] = (4, null),
        ["U64"] = (8, null),
        ["F8_E4M3"] = (1, null),
        ["F8_E5M2"] = (1, null),
    };

    /// <summary>Element size in bytes of a dtype code, or null if the code is unknown.</summary>
    public static int? ElementSize(string code) => Codes.TryGetValue(code, out var c) ? c.Size : null;

    /// <summary>The torch type for a code, or null if it cannot be loaded as a torch tensor.</summary>
    public static torch.ScalarType? ToTorch(string code) => Codes.TryGetValue(code, out var c) ? c.Torch : null;

    /// <summary>The code for a torch type, or null if safetensors output of that type is not supported.</summary>
    public static string? FromTorch(torch.ScalarType type) =>
        Codes.FirstOrDefault(kv => kv.Value.Torch == type).Key;
}
