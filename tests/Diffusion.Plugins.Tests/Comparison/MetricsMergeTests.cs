using Diffusion.Contracts;
using Diffusion.Plugins.Images;
using FluentAssertions;
using Xunit;

namespace Diffusion.Plugins.Tests.Comparison;

public sealed class MetricsMergeTests
{
    private static readonly MetricSet Sample = new("euler-10", new Dictionary<string, double> { ["nfe"] = 10, ["seconds"] = 0.3 });
    private static readonly MetricSet Points = new("euler-10", new Dictionary<string, double> { ["swd"] = 0.2, ["count"] = 300 });
    private static readonly MetricSet Modes = new("euler-10", new Dictionary<string, double> { ["off_mode"] = 0.05, ["count"] = 300 });

    [Fact]
    public void Keys_pick_and_order_the_columns_across_sets()
    {
        var merged = MetricsMerge.Merge([Sample, Points, Modes], "row", ["off_mode", "nfe", "swd"]);

        merged.Label.Should().Be("row");
        merged.Values.Keys.Should().Equal("off_mode", "nfe", "swd");
        merged.Values.Values.Should().Equal(0.05, 10, 0.2);
    }

    [Fact]
    public void Without_keys_every_value_is_kept_in_first_seen_order_and_equal_duplicates_collapse()
    {
        var merged = MetricsMerge.Merge([Sample, Points, Modes], "row");
        merged.Values.Keys.Should().Equal("nfe", "seconds", "swd", "count", "off_mode");
    }

    [Fact]
    public void A_name_with_two_different_values_is_an_error_naming_both_sets()
    {
        var other = new MetricSet("other", new Dictionary<string, double> { ["swd"] = 0.9 });
        var act = () => MetricsMerge.Merge([Points, other], "row");
        act.Should().Throw<ArgumentException>().WithMessage("*'swd'*'euler-10'*'other'*");
    }

    [Fact]
    public void A_requested_key_that_no_set_has_is_an_error_listing_what_exists()
    {
        var act = () => MetricsMerge.Merge([Sample], "row", ["nfe", "swd_ratio"]);
        act.Should().Throw<ArgumentException>().WithMessage("*'swd_ratio'*available: nfe, seconds*");
    }
}
