using CsCheck;

namespace Diffusion.Torch.Tests.Reliability;

/// <summary>CsCheck 5 exposes <c>gen.Array</c> as a C# 14 extension property; this is the same generator in C# 13 syntax.</summary>
internal static class GenArrays
{
    public static GenArray<T> ArrayOf<T>(this Gen<T> gen) => new(gen);
}
