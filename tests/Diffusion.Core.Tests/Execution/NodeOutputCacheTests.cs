using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Core.Tests.Execution;

public sealed class NodeOutputCacheTests
{
    private static NodeOutputs Value(string label) => NodeOutputs.Of("value", label);

    [Fact]
    public void Evicts_the_least_recently_used_entry_when_over_budget()
    {
        // Non-tensor values count 1024 bytes each: a budget of 2048 holds two entries.
        var cache = new NodeOutputCache(2048);
        cache.Put("a", Value("a"));
        cache.Put("b", Value("b"));
        cache.TryGet("a", out _).Should().BeTrue(); // a is now more recent than b

        cache.Put("c", Value("c"));

        cache.TryGet("b", out _).Should().BeFalse();
        cache.TryGet("a", out var a).Should().BeTrue();
        a.Values["value"].Should().Be("a");
        cache.TryGet("c", out _).Should().BeTrue();
        cache.Count.Should().Be(2);
        cache.UsedBytes.Should().Be(2048);
    }

    [Fact]
    public void Counts_tensor_storage_and_refuses_entries_larger_than_the_budget()
    {
        var cache = new NodeOutputCache(6000);
        using var small = zeros(1000, dtype: ScalarType.Float32); // 4000 bytes
        using var other = zeros(250, dtype: ScalarType.Float64); // 2000 bytes
        using var huge = zeros(2000, dtype: ScalarType.Float32); // 8000 bytes

        cache.Put("small", NodeOutputs.Of("t", small));
        cache.UsedBytes.Should().Be(4000);
        cache.Put("other", NodeOutputs.Of("t", other));
        cache.UsedBytes.Should().Be(6000);
        cache.Put("huge", NodeOutputs.Of("t", huge));

        cache.TryGet("huge", out _).Should().BeFalse();
        cache.Count.Should().Be(2, "an entry larger than the whole budget is not kept and evicts nothing");

        cache.Put("third", Value("x"));
        cache.TryGet("small", out _).Should().BeFalse("the oldest entry made room");
        cache.UsedBytes.Should().Be(2000 + 1024);
    }

    [Fact]
    public void Putting_a_key_again_replaces_it_without_double_counting()
    {
        var cache = new NodeOutputCache(10_000);
        cache.Put("a", Value("1"));
        cache.Put("a", Value("2"));

        cache.Count.Should().Be(1);
        cache.UsedBytes.Should().Be(1024);
        cache.TryGet("a", out var a).Should().BeTrue();
        a.Values["value"].Should().Be("2");

        cache.Clear();
        cache.Count.Should().Be(0);
        cache.UsedBytes.Should().Be(0);
    }
}
