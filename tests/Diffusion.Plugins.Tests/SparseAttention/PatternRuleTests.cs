using Diffusion.Plugins.SparseAttention;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>
/// The patterns are the papers' rules: each is checked against the rule written out here as plain loops (or, for
/// neighbourhood at the borders, against windows listed by hand), independent of the backends' tensor code.
/// </summary>
public sealed class PatternRuleTests
{
    [Fact]
    public void Neighborhood_windows_slide_inside_the_image_at_the_borders()
    {
        var pattern = NeighborhoodAttention.Pattern(5, 5, 3);

        // (query y, x) → the rows and columns of its 3 × 3 window, written out by hand.
        Window(pattern, 5, 0, 0).Should().Equal(Cells([0, 1, 2], [0, 1, 2]), "a corner query's window is pushed inside");
        Window(pattern, 5, 0, 2).Should().Equal(Cells([0, 1, 2], [1, 2, 3]), "a top-edge query keeps its columns centred");
        Window(pattern, 5, 2, 2).Should().Equal(Cells([1, 2, 3], [1, 2, 3]), "an inner query is centred");
        Window(pattern, 5, 4, 3).Should().Equal(Cells([2, 3, 4], [2, 3, 4]), "a bottom query's window is pushed up");
        Window(pattern, 5, 1, 4).Should().Equal(Cells([0, 1, 2], [2, 3, 4]));
    }

    [Theory]
    [InlineData(5, 5, 3, 9)]
    [InlineData(6, 9, 5, 25)]
    [InlineData(5, 5, 7, 25)]
    [InlineData(3, 10, 5, 15)]
    [InlineData(1, 8, 3, 3)]
    public void Every_neighborhood_query_sees_exactly_the_clamped_window_size(int height, int width, int kernel, long keys)
    {
        var counts = NeighborhoodAttention.Pattern(height, width, kernel).sum(1);

        counts.eq(keys).all().item<bool>().Should().BeTrue($"every query of a {height}x{width} grid with k = {kernel} sees min(k,H)·min(k,W) = {keys} keys");
    }

    [Theory]
    [InlineData(9, 9, 3)]
    [InlineData(7, 12, 5)]
    [InlineData(4, 11, 7)]
    public void Neighborhood_pattern_is_the_natten_rule(int height, int width, int kernel)
    {
        var expected = Loops(height * width, (i, j) =>
        {
            int kh = Math.Min(kernel, height), kw = Math.Min(kernel, width);
            int top = Math.Clamp((i / width) - (kh / 2), 0, height - kh), left = Math.Clamp((i % width) - (kw / 2), 0, width - kw);
            return j / width >= top && j / width < top + kh && j % width >= left && j % width < left + kw;
        });

        Same(NeighborhoodAttention.Pattern(height, width, kernel), expected);
    }

    [Theory]
    [InlineData(20, 3, 2, false)]
    [InlineData(20, 3, 2, true)]
    [InlineData(17, 0, 0, false)]
    [InlineData(9, 20, 1, false)]
    public void Longformer_pattern_is_window_or_global(int tokens, int window, int global, bool causal)
    {
        var expected = Loops(tokens, (i, j) => (Math.Abs(i - j) <= window || i < global || j < global) && (!causal || j <= i));

        Same(LongformerAttention.Pattern(tokens, window, global, causal), expected);
    }

    [Theory]
    [InlineData(30, 5, false)]
    [InlineData(30, 5, true)]
    [InlineData(16, 4, true)]
    public void Strided_pattern_is_the_sparse_transformer_rule(int tokens, int stride, bool causal)
    {
        // Child et al. 2019, §4.2: A1 = {max(0, i − l), …, i}, A2 = {j : (i − j) mod l = 0} (causal); bidirectional: |i − j| ≤ l.
        var expected = Loops(tokens, (i, j) => causal
            ? j <= i && (i - j <= stride || (i - j) % stride == 0)
            : Math.Abs(i - j) <= stride || Math.Abs(i - j) % stride == 0);

        Same(StridedAttention.Pattern(tokens, StridedMode.Strided, stride, causal: causal), expected);
    }

    [Theory]
    [InlineData(30, 6, 1, false)]
    [InlineData(30, 6, 2, true)]
    [InlineData(13, 4, 4, false)]
    public void Fixed_pattern_is_the_sparse_transformer_rule(int tokens, int stride, int summary, bool causal)
    {
        // A1 = {j : ⌊j/l⌋ = ⌊i/l⌋}, A2 = {j : j mod l ∈ {l − c, …, l − 1}}.
        var expected = Loops(tokens, (i, j) => (i / stride == j / stride || j % stride >= stride - summary) && (!causal || j <= i));

        Same(StridedAttention.Pattern(tokens, StridedMode.Fixed, stride, summary, causal), expected);
    }

    [Fact]
    public void Strided_stride_zero_means_the_ceiling_of_the_square_root()
    {
        Same(StridedAttention.Pattern(50, StridedMode.Strided, 0), StridedAttention.Pattern(50, StridedMode.Strided, 8));
        new StridedAttention(StridedMode.Fixed, 0, 1).StrideFor(64).Should().Be(8);
    }

    [Theory]
    [InlineData(70, 8, 1, 2, 3, 0L)]
    [InlineData(64, 4, 2, 1, 5, 11L)]
    [InlineData(33, 5, 0, 0, 2, 3L)]
    public void Bigbird_pattern_is_window_global_and_r_random_blocks_outside_them(int tokens, int block, int window, int global, int random, long seed)
    {
        var pattern = BigBirdAttention.Pattern(tokens, block, window, global, random, seed);
        int blocks = (tokens + block - 1) / block;
        var table = BigBirdAttention.RandomTable(blocks, window, global, random, seed);
        for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
        {
            var drawn = Enumerable.Range(0, random).Select(r => table[queryBlock, r]).Where(b => b >= 0).ToList();
            int candidates = queryBlock < global ? 0 : Enumerable.Range(global, blocks - global).Count(b => Math.Abs(b - queryBlock) > window);
            drawn.Should().HaveCount(Math.Min(random, candidates), $"query block {queryBlock} draws r blocks when it can");
            drawn.Should().OnlyHaveUniqueItems();
            drawn.All(b => b >= global && Math.Abs(b - queryBlock) > window).Should().BeTrue("random blocks lie outside the window and the global blocks");
        }

        var expected = Loops(tokens, (i, j) =>
        {
            int qb = i / block, kb = j / block;
            return Math.Abs(qb - kb) <= window || qb < global || kb < global || Enumerable.Range(0, random).Any(r => table[qb, r] == kb);
        });
        Same(pattern, expected);
    }

    [Fact]
    public void Bigbird_is_deterministic_for_a_seed_and_changes_with_it()
    {
        var first = BigBirdAttention.Pattern(256, 8, 1, 1, 3, seed: 42);
        var again = BigBirdAttention.Pattern(256, 8, 1, 1, 3, seed: 42);
        var other = BigBirdAttention.Pattern(256, 8, 1, 1, 3, seed: 43);

        first.eq(again).all().item<bool>().Should().BeTrue();
        first.eq(other).all().item<bool>().Should().BeFalse();

        // Pinned draws for seed 42 (SplitMix64 is defined bit for bit, so these never change).
        var table = BigBirdAttention.RandomTable(32, 1, 1, 3, 42);
        Enumerable.Range(0, 3).Select(r => table[0, r]).Should().Equal(-1, -1, -1);
        Enumerable.Range(0, 3).Select(r => table[5, r]).Should().OnlyContain(b => b >= 1 && Math.Abs(b - 5) > 1);
    }

    private static Tensor Loops(int tokens, Func<int, int, bool> rule)
    {
        var values = new bool[tokens * tokens];
        for (int i = 0; i < tokens; i++)
        {
            for (int j = 0; j < tokens; j++)
            {
                values[(i * tokens) + j] = rule(i, j);
            }
        }

        return tensor(values).view(tokens, tokens);
    }

    private static void Same(Tensor actual, Tensor expected)
    {
        actual.shape.Should().Equal(expected.shape);
        var differing = actual.ne(expected).nonzero();
        if (differing.shape[0] > 0)
        {
            var first = differing[0].data<long>().ToArray();
            differing.shape[0].Should().Be(0, $"the patterns should agree everywhere; they differ at {differing.shape[0]} pairs, first (i, j) = ({first[0]}, {first[1]})");
        }
    }

    private static List<(long Y, long X)> Window(Tensor pattern, int width, int y, int x)
    {
        var row = pattern[(y * width) + x];
        return [.. row.nonzero().squeeze(1).data<long>().Select(j => (j / width, j % width))];
    }

    private static List<(long Y, long X)> Cells(int[] rows, int[] columns) =>
        [.. rows.SelectMany(r => columns.Select(c => ((long)r, (long)c)))];
}
