using System.Buffers.Binary;
using System.Text;

namespace Diffusion.Torch.Native;

/// <summary>One Vernaux entry of <c>.gnu.version_r</c>: a symbol version this object needs from a library.</summary>
/// <param name="File">The library the version is needed from (a DT_NEEDED soname).</param>
/// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">vna_flags; <see cref="ElfImage.VerFlagWeak"/> marks a need the loader may leave unmet.</param>
/// <param name="Index">vna_other: the index that <c>.gnu.version</c> uses for symbols bound to this version.</param>
/// <param name="FlagsOffset">File offset of vna_flags, so the need can be patched in place.</param>
internal sealed record ElfVersionNeed(string File, string Version, ushort Flags, ushort Index, long FlagsOffset)
{
    /// <summary>Whether the loader tolerates this version being absent.</summary>
    public bool IsWeak => (Flags & ElfImage.VerFlagWeak) != 0;
}

/// <summary>
/// A minimal reader for little-endian ELF64 shared objects: just enough of the section headers,
/// dynamic symbols, symbol versions and relocations to decide whether a missing library version
/// is harmless, and where to patch it. Everything is bounds-checked: a bad file gives
/// <see cref="InvalidDataException"/>, never an out-of-range read.
/// </summary>
internal sealed class ElfImage
{
    /// <summary>VER_FLG_WEAK from elf.h.</summary>
    public const ushort VerFlagWeak = 0x2;

    private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

    private readonly byte[] _bytes;
    private readonly string _path;
    private readonly List<Section> _sections = [];

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntSize);

    private ElfImage(byte[] bytes, string path)
    {
        _bytes = bytes;
        _path = path;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Bad("not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw Bad("only little-endian ELF64 is supported");

        long shoff = checked((long)U64(0x28));
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        if (shentsize < 64)
            throw Bad($"section header size {shentsize} is too small");
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            _sections.Add(new Section(U32(h + 4), checked((long)U64(h + 24)), checked((long)U64(h + 32)), U32(h + 40), U32(h + 44), checked((long)U64(h + 56))));
        }

        VersionNeeds = ReadVersionNeeds();
        VersionDefinitions = ReadVersionDefinitions();
    }

    /// <summary>The raw file bytes (patch a copy, never this array in place for a shared image).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>All Vernaux entries, in file order.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds { get; }

    /// <summary>All version names this object defines (<c>.gnu.version_d</c>), e.g. <c>GLIBCXX_3.4.30</c>.</summary>
    public IReadOnlyList<string> VersionDefinitions { get; }

    /// <summary>Reads and parses a file.</summary>
    public static ElfImage Load(string path) => new(File.ReadAllBytes(path), path);

    /// <summary>Parses bytes already in memory; <paramref name="path"/> is only used in messages.</summary>
    public static ElfImage Parse(byte[] bytes, string path) => new(bytes, path);

    /// <summary>
    /// Dynamic symbols bound to a version index, with whether any dynamic relocation refers to them.
    /// A symbol that nothing relocates is never looked up, so a missing version for it cannot matter.
    /// </summary>
    public IReadOnlyList<(string Name, bool Relocated)> SymbolsWithVersion(ushort index)
    {
        var dynsymIndex = _sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = _sections.Find(s => s.Type == ShtGnuVersym);
        if (dynsymIndex < 0 || versym.Type == 0)
            return [];
        var dynsym = _sections[dynsymIndex];
        var strtab = SectionAt(dynsym.Link);
        long count = dynsym.Size / 24;

        var relocated = new HashSet<long>();
        foreach (var rel in _sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsymIndex))
        {
            long entSize = rel.Type == ShtRela ? 24 : 16;
            for (long off = rel.Offset; off + entSize <= rel.Offset + rel.Size; off += entSize)
                relocated.Add((long)(U64(off + 8) >> 32));
        }

        var result = new List<(string, bool)>();
        for (long i = 1; i < count; i++)
        {
            if ((U16(versym.Offset + i * 2) & 0x7fff) != index)
                continue;
            result.Add((Str(strtab, U32(dynsym.Offset + i * 24)), relocated.Contains(i)));
        }
        return result;
    }

    private List<ElfVersionNeed> ReadVersionNeeds()
    {
        var list = new List<ElfVersionNeed>();
        foreach (var sec in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strtab = SectionAt(sec.Link);
            long vn = sec.Offset;
            for (uint i = 0; i < sec.Info; i++)
            {
                int cnt = U16(vn + 2);
                string file = Str(strtab, U32(vn + 4));
                long aux = vn + U32(vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    list.Add(new ElfVersionNeed(file, Str(strtab, U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                    aux += U32(aux + 12);
                }
                uint next = U32(vn + 12);
                if (next == 0)
                    break;
                vn += next;
            }
        }
        return list;
    }

    private List<string> ReadVersionDefinitions()
    {
        var list = new List<string>();
        foreach (var sec in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strtab = SectionAt(sec.Link);
            long vd = sec.Offset;
            for (uint i = 0; i < sec.Info; i++)
            {
                // The first Verdaux names the version itself; later ones name its parents.
                if (U16(vd + 6) > 0)
                    list.Add(Str(strtab, U32(vd + U32(vd + 12))));
                uint next = U32(vd + 16);
                if (next == 0)
                    break;
                vd += next;
            }
        }
        return list;
    }

    private Section SectionAt(uint index) =>
        index < _sections.Count ? _sections[(int)index] : throw Bad($"section index {index} out of range");

    private string Str(Section strtab, uint offset)
    {
        long start = strtab.Offset + offset;
        Check(start, 1);
        int end = Array.IndexOf(_bytes, (byte)0, (int)start);
        if (end < 0)
            throw Bad("unterminated string");
        return Encoding.ASCII.GetString(_bytes, (int)start, end - (int)start);
    }

    private ushort U16(long at) { Check(at, 2); return BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)at)); }

    private uint U32(long at) { Check(at, 4); return BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)at)); }

    private ulong U64(long at) { Check(at, 8); return BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)at)); }

    private void Check(long at, int size)
    {
        if (at < 0 || at > _bytes.Length - size)
            throw Bad($"read of {size} bytes at offset {at} is outside the file ({_bytes.Length} bytes)");
    }

    private InvalidDataException Bad(string what) => new($"{_path}: malformed ELF: {what}.");
}
