namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny generator whose output for a seed is fixed by its definition, unlike
/// <see cref="Random"/>, whose seeded sequence .NET may change between versions. Random patterns must not.
/// </summary>
internal sealed class SplitMix64(long seed)
{
    private ulong state = unchecked((ulong)seed);

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A value in [0, <paramref name="bound"/>) (Lemire's multiply-shift; the bias is below 2⁻³² for the bounds used here).</summary>
    public ulong Next(ulong bound) => (ulong)(((UInt128)Next() * bound) >> 64);
}
