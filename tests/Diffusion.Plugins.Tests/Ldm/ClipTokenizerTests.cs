using System.Text;
using Diffusion.Plugins.Ldm;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Text;
using Xunit.Abstractions;

namespace Diffusion.Plugins.Tests.Ldm;

public sealed class ClipTokenizerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Lazy<ClipTokenizer> ReferenceTokenizer = new(() => ClipTokenizer.FromFolder(TokenizerCase.Folder));
    private static readonly Lazy<ClipTokenizer> RepositoryTokenizer = new(() => ClipTokenizer.FromFolder(Fixtures.RepositoryPath("tokenizer")));

    private readonly string dir = Directory.CreateTempSubdirectory("clip-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TokenizerCase.Load(TokenizerCase.Folder).Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_matches_the_reference_ids(int index)
    {
        var testCase = TokenizerCase.Load(TokenizerCase.Folder)[index];
        var tokenizer = ReferenceTokenizer.Value;
        output.WriteLine($"case {index}: {testCase.Text}");

        tokenizer.Tokenize(testCase.Text).Should().Equal(testCase.InputIds, "ids with BOS/EOS, not truncated");
        tokenizer.EncodePadded(testCase.Text).Should().Equal(testCase.InputIdsPadded77, "truncated to 75 + BOS/EOS and padded to 77");
    }

    [Fact]
    public void The_cases_file_has_cases()
    {
        Cases().Count.Should().BeGreaterThan(0, $"{TokenizerCase.Folder}/cases.json must hold cases");
    }

    [Fact]
    public void Framing_follows_stable_diffusion()
    {
        var tokenizer = RepositoryTokenizer.Value;
        tokenizer.BosId.Should().Be(49406);
        tokenizer.EosId.Should().Be(49407);
        tokenizer.PadId.Should().Be(49407, "SD 1.x pads with the end token when no tokenizer_config.json says otherwise");
        tokenizer.MaxLength.Should().Be(77);

        var padded = tokenizer.EncodePadded(string.Join(' ', Enumerable.Repeat("cat", 200)));
        padded.Should().HaveCount(77);
        padded[0].Should().Be(49406);
        padded[^1].Should().Be(49407, "a truncated prompt still ends with the end token");
        padded[1..^1].Should().OnlyContain(id => id == padded[1], "75 copies of 'cat'");
    }

    [Fact]
    public void The_pad_token_comes_from_tokenizer_config_like_stable_diffusion_2()
    {
        CopyVocabulary();
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            """{ "model_max_length": 77, "pad_token": "!", "unk_token": { "content": "<|endoftext|>", "__type": "AddedToken" } }""");
        var tokenizer = ClipTokenizer.FromFolder(dir);

        tokenizer.PadId.Should().Be(0, "'!' is id 0 in CLIP's vocabulary");
        var padded = tokenizer.EncodePadded("a cute cat");
        padded[..5].Should().Equal(49406, 320, 2242, 2368, 49407);
        padded[5..].Should().OnlyContain(id => id == 0);

        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{ "pad_token": { "content": "<|endoftext|>", "lstrip": false } }""");
        ClipTokenizer.FromFolder(dir).PadId.Should().Be(49407, "an AddedToken object names its text in 'content'");
    }

    [Fact]
    public void A_pad_token_outside_the_vocabulary_is_an_error_naming_file_and_field()
    {
        CopyVocabulary();
        var config = Path.Combine(dir, "tokenizer_config.json");
        File.WriteAllText(config, """{ "pad_token": "<|pad|>" }""");

        var act = () => ClipTokenizer.FromFolder(dir);

        act.Should().Throw<InvalidDataException>().WithMessage($"*{config}*'pad_token'*<|pad|>*");
    }

    [Fact]
    public void Missing_merges_is_an_error_naming_the_file()
    {
        File.Copy(Path.Combine(Fixtures.RepositoryPath("tokenizer"), "vocab.json"), Path.Combine(dir, "vocab.json"));

        var act = () => ClipTokenizer.FromFolder(dir);

        act.Should().Throw<FileNotFoundException>().WithMessage("*merges.txt*");
    }

    [Fact]
    public void Arbitrary_unicode_never_throws_and_always_gives_77_ids()
    {
        var tokenizer = RepositoryTokenizer.Value;
        var random = new Random(1234);
        var inputs = new List<string>
        {
            "\0\u0001\u001f\u007f\u0085\u00a0\u2028\u2029\ufeff",
            "\ud800", "\udfff", "a\ud800b\udc00c", "\udc00\ud800",
            "e\u0301\u0301\u0301 combining", "👩‍👩‍👧‍👦 🏳️‍🌈 🙂",
            "&amp;lt;b&amp;gt; &#xD800; &#0; &#x110000; &bogus; &",
            "<|endoftext|><|startoftext|>" + new string('x', 10),
            new string(' ', 100_000) + "tail",
            new string('a', 1_000_000),
            string.Concat(Enumerable.Repeat("word ", 200_000)),
        };
        for (int i = 0; i < 300; i++)
        {
            inputs.Add(RandomText(random, random.Next(0, 400)));
        }

        foreach (var text in inputs)
        {
            var ids = tokenizer.EncodePadded(text);
            ids.Should().HaveCount(77);
            ids[0].Should().Be(49406);
            ids.Should().Contain(49407);
            ids.Should().OnlyContain(id => id >= 0 && id < 49408);
        }
    }

    [Fact]
    public void Cleaning_bounds_the_input()
    {
        ClipTextCleaner.Clean(new string('a', 1_000_000)).Length.Should().Be(ClipTextCleaner.MaxCleanChars);
        ClipTextCleaner.Clean("  Hello,\t\n WORLD &amp; more  ").Should().Be("hello, world &amp; more", "transformers 5 leaves entities alone");
        ClipTextCleaner.Clean("  Hello,\t\n WORLD &amp;amp; more  ", decodeHtmlEntities: true).Should().Be("hello, world & more", "OpenAI CLIP decodes twice");
        ClipTextCleaner.Clean("&#xD800;&#0;&#x110000;", decodeHtmlEntities: true).Should().NotContain("\ud800");
        ClipTextCleaner.Clean("x\ud800y").Should().Be("x\ufffdy");
        var emoji = new string('a', ClipTextCleaner.MaxCleanChars - 1) + "🙂";
        ClipTextCleaner.Clean(emoji).Should().HaveLength(ClipTextCleaner.MaxCleanChars - 1, "a surrogate pair is never split");
    }

    // Expected values from Python's unicodedata.normalize("NFC", ...) (Unicode 14), lower-cased.
    [Theory]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]
    [InlineData("\uac00\u11a8", "\uac01")]
    [InlineData("\u212b", "\u00e5")]
    [InlineData("a\u0301\u0323", "\u1ea1\u0301")]
    [InlineData("q\u0307\u0323", "q\u0323\u0307")]
    [InlineData("\u0958", "\u0915\u093c")]
    [InlineData("\u00c7\u0301", "\u1e09")]
    [InlineData("e\u0301\u0301", "\u00e9\u0301")]
    [InlineData("\U0001d15e", "\U0001d157\U0001d165")]
    [InlineData("\u0344", "\u0308\u0301")]
    [InlineData("cafe\u0301 nai\u0308ve", "caf\u00e9 na\u00efve")]
    public void Text_is_composed_to_nfc(string input, string expected)
    {
        ClipTextCleaner.Clean(input).Should().Be(expected);
    }

    [Fact]
    public void A_decomposed_prompt_tokenizes_like_the_composed_one()
    {
        var tokenizer = RepositoryTokenizer.Value;

        tokenizer.EncodePadded("e\u0301tat cafe\u0301 nai\u0308ve").Should().Equal(tokenizer.EncodePadded("\u00e9tat caf\u00e9 na\u00efve"));
    }

    [Fact]
    public void Html_entities_are_decoded_only_when_asked()
    {
        var plain = RepositoryTokenizer.Value;
        var decoding = ClipTokenizer.FromFolder(Fixtures.RepositoryPath("tokenizer"), decodeHtmlEntities: true);

        plain.DecodeHtmlEntities.Should().BeFalse();
        decoding.Tokenize("tom &amp; jerry").Should().Equal(plain.Tokenize("tom & jerry"));
        plain.Tokenize("tom &amp; jerry").Should().NotEqual(plain.Tokenize("tom & jerry"));
    }

    private void CopyVocabulary()
    {
        foreach (var name in new[] { "vocab.json", "merges.txt" })
        {
            File.Copy(Path.Combine(Fixtures.RepositoryPath("tokenizer"), name), Path.Combine(dir, name));
        }
    }

    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            // Mostly valid code points across all planes, plus lone surrogates and control characters.
            int kind = random.Next(10);
            if (kind == 0)
            {
                builder.Append((char)random.Next(0xD800, 0xE000));
            }
            else if (kind == 1)
            {
                builder.Append((char)random.Next(0, 0x20));
            }
            else
            {
                int codePoint = random.Next(0, 0x110000);
                if (codePoint is >= 0xD800 and < 0xE000)
                {
                    codePoint = ' ';
                }

                builder.Append(char.ConvertFromUtf32(codePoint));
            }
        }

        return builder.ToString();
    }
}
